package io.regent.agent.ha;

import io.regent.common.model.PgState;
import io.regent.common.time.MonotonicClock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one slow PostgreSQL operation (initdb, clone, start, stop) at a time off the loop thread, so
 * the loop keeps renewing its lease and publishing while it runs. After a failure it reports a
 * back-off for a while, so a failing operation is not retried in a tight loop.
 *
 * <p>Protocol: the loop asks {@link #current()} each cycle; while it returns a job the decider waits.
 * {@link #submit} is only called by the loop when {@link #current()} is empty. The job's end wakes
 * the loop through {@code onDone}.
 */
public final class JobRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "regent-job");
        thread.setDaemon(true);
        return thread;
    });
    private final MonotonicClock clock;
    private final Duration backoff;
    private final Runnable onDone;

    private record State(String description, PgState impliedState, long startedNanos, boolean failed, long endsNanos) {
    }

    private volatile State state;

    public JobRunner(MonotonicClock clock, Duration backoff, Runnable onDone) {
        this.clock = clock;
        this.backoff = backoff;
        this.onDone = onDone;
    }

    /** The job in progress or the back-off after a failed one. */
    public Optional<LocalState.RunningJob> current() {
        State s = state;
        if (s == null) {
            return Optional.empty();
        }
        long now = clock.nanos();
        if (s.failed()) {
            if (now >= s.endsNanos()) {
                state = null;
                return Optional.empty();
            }
            return Optional.of(new LocalState.RunningJob("backing off after a failed " + s.description(),
                    Duration.ofNanos(now - s.startedNanos()), s.impliedState(), true));
        }
        return Optional.of(new LocalState.RunningJob(s.description() + " in progress", Duration.ofNanos(now - s.startedNanos()),
                s.impliedState(), false));
    }

    /** Starts a job; allowed during a back-off (the decider chose to act on the failure), not during a job. */
    public void submit(String description, PgState impliedState, Runnable work) {
        State s = state;
        if (s != null && !s.failed()) {
            throw new IllegalStateException("job '" + s.description() + "' is still running; cannot start " + description);
        }
        state = new State(description, impliedState, clock.nanos(), false, 0);
        executor.execute(() -> {
            try {
                work.run();
                state = null;
            } catch (RuntimeException | Error e) {
                LOG.error("{} failed: {}", description, e.getMessage());
                LOG.debug("{} failure detail", description, e);
                state = new State(description, PgState.STOPPED, clock.nanos(), true, clock.nanos() + backoff.toNanos());
            } finally {
                onDone.run();
            }
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
