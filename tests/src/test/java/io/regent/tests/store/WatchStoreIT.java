package io.regent.tests.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regent.common.store.ClusterStore;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.Timing;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The watch wakes its owner on writes under its cluster prefix, and only those. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchStoreIT {

    @RegisterExtension
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    private static final Duration TTL = Duration.ofSeconds(10);
    /** How long a callback that should not come is given to come anyway. */
    private static final Duration QUIET = Duration.ofMillis(700);

    @Test
    void callbacksArriveForWritesUnderThePrefixNotForOtherScopesAndStopWhenClosed() throws Exception {
        try (Stores stores = new Stores(etcd); Stores otherScope = new Stores(etcd)) {
            ClusterStore watcher = stores.open("node1", TTL);
            ClusterStore writer = stores.open("node2", TTL);
            ClusterStore foreign = otherScope.open("node9", TTL);
            writer.keepAlive();
            foreign.keepAlive();
            AtomicInteger callbacks = new AtomicInteger();
            AtomicReference<ClusterStore.Change> lastChange = new AtomicReference<>();

            AutoCloseable watch = watcher.watch(change -> {
                lastChange.set(change);
                callbacks.incrementAndGet();
            });
            try {
                // the watch is set up asynchronously: write until the first callback proves it is live
                await("the first callback after a member write")
                        .atMost(Timing.seconds(10))
                        .pollInterval(Duration.ofMillis(300))
                        .until(() -> {
                            writer.publishMember(Stores.member("node2"));
                            return callbacks.get() > 0;
                        });
                assertThat(lastChange.get().members()).containsExactly("node2");
                assertThat(lastChange.get().clusterKeys()).isFalse();
                awaitNoCallbackFor(QUIET, callbacks);

                int beforeOwn = callbacks.get();
                watcher.keepAlive();
                watcher.publishMember(Stores.member("node1"));
                await("no callback for the watcher's own member key")
                        .during(QUIET)
                        .atMost(Timing.scaled(QUIET).plusSeconds(2))
                        .until(() -> callbacks.get() == beforeOwn);

                int beforeForeign = callbacks.get();
                foreign.publishMember(Stores.member("node9"));
                assertThat(foreign.acquireLeader()).isTrue();
                await("no callback for writes to another scope")
                        .during(QUIET)
                        .atMost(Timing.scaled(QUIET).plusSeconds(2))
                        .until(() -> callbacks.get() == beforeForeign);

                int beforeEtcdctl = callbacks.get();
                etcd.etcdctl("put", stores.keys().failover(), "{\"leader\":\"node2\",\"member\":\"node1\"}");
                await("a callback after a write by another client")
                        .atMost(Timing.seconds(5))
                        .until(() -> callbacks.get() > beforeEtcdctl);
                assertThat(lastChange.get().clusterKeys()).isTrue();
                assertThat(lastChange.get().members()).isEmpty();

                awaitNoCallbackFor(QUIET, callbacks);
                int beforeDelete = callbacks.get();
                etcd.etcdctl("del", stores.keys().failover());
                await("a callback after a delete")
                        .atMost(Timing.seconds(5))
                        .until(() -> callbacks.get() > beforeDelete);
            } finally {
                watch.close();
            }

            awaitNoCallbackFor(QUIET, callbacks);
            int afterClose = callbacks.get();
            writer.publishMember(Stores.member("node2"));
            assertThat(writer.acquireLeader()).isTrue();
            await("no callback once the watch is closed")
                    .during(QUIET)
                    .atMost(Timing.scaled(QUIET).plusSeconds(2))
                    .until(() -> callbacks.get() == afterClose);
        }
    }

    /** Waits until the counter has not moved for {@code quiet}: callbacks of earlier writes have drained. */
    private static void awaitNoCallbackFor(Duration quiet, AtomicInteger callbacks) {
        int[] last = {callbacks.get()};
        long[] since = {System.nanoTime()};
        await("callbacks to settle")
                .atMost(Timing.seconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    int now = callbacks.get();
                    if (now != last[0]) {
                        last[0] = now;
                        since[0] = System.nanoTime();
                    }
                    return System.nanoTime() - since[0] >= quiet.toNanos();
                });
    }
}
