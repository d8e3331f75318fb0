package io.regent.tests.bench;

import io.regent.common.model.ClusterView;
import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches etcd, from the moment of the fault, for the leader key to stop naming the old primary
 * (its lease expired, or it was released): one range read every {@value #POLL_MILLIS} ms through the
 * project's own reader. It splits "fault → new primary" into what etcd takes (the lease TTL) and
 * what the agents take (election, promotion).
 */
final class LeaderKeyWatch implements AutoCloseable {

    static final long POLL_MILLIS = 50;

    private final Thread thread;
    private volatile long gone;
    private volatile boolean running = true;

    private LeaderKeyWatch(RegentCluster cluster, AgentProcess old) {
        thread = new Thread(() -> {
            while (running) {
                try {
                    ClusterView view = cluster.clusterView();
                    if (view.leader().filter(lock -> lock.name().equals(old.name())).isEmpty()) {
                        gone = System.nanoTime();
                        return;
                    }
                } catch (RuntimeException e) {
                    // etcd did not answer this time
                }
                LockSupport.parkNanos(Duration.ofMillis(POLL_MILLIS).toNanos());
            }
        }, "bench-leader-key-watch");
        thread.setDaemon(true);
    }

    static LeaderKeyWatch start(RegentCluster cluster, AgentProcess old) {
        try {
            cluster.clusterView(); // opens the reader before the fault
        } catch (RuntimeException e) {
            // a busy etcd: the watch retries
        }
        LeaderKeyWatch watch = new LeaderKeyWatch(cluster, old);
        watch.thread.start();
        return watch;
    }

    /** When the leader key was first seen not naming the old primary, if it was. */
    Optional<Long> goneAt() {
        long at = gone;
        return at == 0 ? Optional.empty() : Optional.of(at);
    }

    @Override
    public void close() {
        running = false;
    }
}
