package io.regent.agent.ha;

import io.regent.common.time.MonotonicClock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The last {@code POST /failsafe} this member accepted: written by the REST API's thread, read by the loop
 * once per cycle (as {@link FailsafeInput.LeaderCall}). Like every callback, it may be stale: the loop
 * judges its age.
 */
public final class FailsafeCalls {

    private record Received(FailsafeRules.Call call, long atNanos) {
    }

    private final MonotonicClock clock;
    private final AtomicReference<Received> last = new AtomicReference<>();

    public FailsafeCalls(MonotonicClock clock) {
        this.clock = clock;
    }

    public void accepted(FailsafeRules.Call call) {
        last.set(new Received(call, clock.nanos()));
    }

    public Optional<FailsafeInput.LeaderCall> latest() {
        Received received = last.get();
        if (received == null) {
            return Optional.empty();
        }
        return Optional.of(new FailsafeInput.LeaderCall(received.call().name(), received.call().connUrl(),
                received.call().apiUrl(), Duration.ofNanos(clock.nanos() - received.atNanos())));
    }
}
