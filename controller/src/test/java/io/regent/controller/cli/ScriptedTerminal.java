package io.regent.controller.cli;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A terminal where the operator types prepared answers; records every prompt shown. */
final class ScriptedTerminal implements Terminal {

    final List<String> prompts = new ArrayList<>();
    private final Deque<String> answers;

    ScriptedTerminal(String... answers) {
        this.answers = new ArrayDeque<>(List.of(answers));
    }

    @Override
    public boolean isInteractive() {
        return true;
    }

    @Override
    public String readLine(String prompt) {
        prompts.add(prompt);
        return answers.poll();
    }

    @Override
    public String readSecret(String prompt) {
        return readLine(prompt);
    }
}
