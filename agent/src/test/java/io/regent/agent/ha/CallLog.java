package io.regent.agent.ha;

import java.util.ArrayList;
import java.util.List;

/** The effects the recording fakes saw, in order, from the loop thread and the job thread alike. */
final class CallLog {

    private final List<String> calls = new ArrayList<>();

    synchronized void add(String call) {
        calls.add(call);
    }

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized void clear() {
        calls.clear();
    }
}
