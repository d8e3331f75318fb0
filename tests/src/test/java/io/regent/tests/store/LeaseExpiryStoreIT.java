package io.regent.tests.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regent.common.model.ClusterView;
import io.regent.common.model.LeaderLock;
import io.regent.common.store.ClusterStore;
import io.regent.common.store.LeaseStatus;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.Timing;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A member that stops renewing its lease loses its keys after about ttl; one that renews keeps them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeaseExpiryStoreIT {

    @RegisterExtension
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    private static final Duration TTL = Duration.ofSeconds(2);

    @Test
    void aSilentMemberLosesItsMemberAndLeaderKeysAfterTtlWhileARenewingMemberKeepsItsOwn() {
        try (Stores stores = new Stores(etcd)) {
            ClusterStore silent = stores.open("node1", TTL);
            ClusterStore renewing = stores.open("node2", TTL);
            ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor();
            try {
                renewing.keepAlive();
                renewing.publishMember(Stores.member("node2"));
                renewer.scheduleWithFixedDelay(renewing::keepAlive, 300, 300, TimeUnit.MILLISECONDS);

                long lastKeepAlive = System.nanoTime();
                LeaseStatus lease = silent.keepAlive();
                silent.publishMember(Stores.member("node1"));
                assertThat(silent.acquireLeader()).isTrue();
                ClusterView before = renewing.load();
                assertThat(before.members()).containsKeys("node1", "node2");
                assertThat(before.leader()).map(LeaderLock::leaseId).contains(lease.leaseId());

                // node1 goes silent: nobody calls keepAlive() on its store any more
                await("node1's member and leader keys expire")
                        .atMost(Timing.scaled(TTL.plusSeconds(5)))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            ClusterView view = renewing.load();
                            return view.leader().isEmpty() && !view.members().containsKey("node1");
                        });
                Duration silentFor = Duration.ofNanos(System.nanoTime() - lastKeepAlive);

                assertThat(silentFor).as("the keys outlive the last keepalive by the ttl")
                        .isGreaterThanOrEqualTo(TTL.minusMillis(100));
                assertThat(stores.etcdValue(stores.keys().leader())).isEmpty();
                assertThat(stores.etcdValue(stores.keys().member("node1"))).isEmpty();
                assertThat(renewing.load().members()).as("the member that kept renewing").containsKey("node2");
            } finally {
                renewer.shutdownNow();
            }
        }
    }

    @Test
    void aKeepAliveAfterExpiryGrantsANewLeaseAndSaysSo() {
        try (Stores stores = new Stores(etcd)) {
            ClusterStore store = stores.open("node1", TTL);
            LeaseStatus first = store.keepAlive();
            assertThat(first.regranted()).as("the first lease is a grant, not a regrant").isFalse();
            store.publishMember(Stores.member("node1"));

            await("node1's member key expires")
                    .atMost(Timing.scaled(TTL.plusSeconds(5)))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !store.load().members().containsKey("node1"));

            LeaseStatus second = store.keepAlive();
            assertThat(second.regranted()).isTrue();
            assertThat(second.leaseId()).isNotEqualTo(first.leaseId());
            assertThat(second.validUntilNanos()).isGreaterThan(System.nanoTime());

            store.publishMember(Stores.member("node1"));
            assertThat(store.load().members()).containsKey("node1");
            LeaseStatus third = store.keepAlive();
            assertThat(third.regranted()).as("renewing a live lease").isFalse();
            assertThat(third.leaseId()).isEqualTo(second.leaseId());
        }
    }
}
