package io.regent.tests.bench;

import io.regent.tests.fixture.AgentProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches, from the moment of the fault, for the first node other than the old primary to answer
 * 200 on {@code /primary}: one thread per node polling every {@value #POLL_MILLIS} ms, so a hung
 * agent (which holds its HTTP call for seconds) delays nobody else's answer.
 */
final class PrimaryWatch implements AutoCloseable {

    static final long POLL_MILLIS = 50;

    /** A node seen answering 200 on /primary, and when ({@link System#nanoTime()}). */
    record Seen(AgentProcess node, long nanos) {
    }

    private final AtomicReference<Seen> first = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    private PrimaryWatch(List<AgentProcess> candidates) {
        for (AgentProcess node : candidates) {
            Thread t = new Thread(() -> {
                while (running && first.get() == null) {
                    if (node.httpStatus("/primary") == 200) {
                        first.compareAndSet(null, new Seen(node, System.nanoTime()));
                        return;
                    }
                    LockSupport.parkNanos(Duration.ofMillis(POLL_MILLIS).toNanos());
                }
            }, "bench-primary-watch-" + node.name());
            t.setDaemon(true);
            threads.add(t);
        }
    }

    /** Starts watching {@code candidates} (every node but the old primary). */
    static PrimaryWatch start(List<AgentProcess> candidates) {
        PrimaryWatch watch = new PrimaryWatch(candidates);
        watch.threads.forEach(Thread::start);
        return watch;
    }

    /** The first candidate seen as primary, waiting up to {@code bound}; empty if none was. */
    Optional<Seen> await(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (first.get() == null && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        return Optional.ofNullable(first.get());
    }

    @Override
    public void close() {
        running = false;
    }
}
