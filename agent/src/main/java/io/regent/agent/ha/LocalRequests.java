package io.regent.agent.ha;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An operator's request for this node (restart, re-clone, reload), handed from the REST API to the HA
 * loop: the API only asks, the loop decides and acts on its next cycle, and completes the answer.
 */
public final class LocalRequests {

    public enum Kind { RESTART, REINITIALIZE, RELOAD }

    /** What became of a request: done, or refused/failed with the reason. */
    public record Outcome(boolean done, String message) {
    }

    record Pending(Kind kind, CompletableFuture<Outcome> outcome) {
    }

    private final AtomicReference<Pending> pending = new AtomicReference<>();
    private final LoopSignal signal;

    public LocalRequests(LoopSignal signal) {
        this.signal = signal;
    }

    /** Asks the loop; a second request while one waits for the loop is answered at once with a refusal. */
    public CompletableFuture<Outcome> submit(Kind kind) {
        Pending request = new Pending(kind, new CompletableFuture<>());
        if (!pending.compareAndSet(null, request)) {
            return CompletableFuture.completedFuture(new Outcome(false, "another request (" + pending.get().kind()
                    .name().toLowerCase(java.util.Locale.ROOT) + ") is waiting for the HA loop"));
        }
        signal.wake();
        return request.outcome();
    }

    Optional<Pending> take() {
        return Optional.ofNullable(pending.getAndSet(null));
    }
}
