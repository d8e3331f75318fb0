package io.regent.tests.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.model.ClusterView;
import io.regent.common.model.LeaderLock;
import io.regent.common.model.Lsn;
import io.regent.common.store.ClusterStore;
import io.regent.common.store.LeaseStatus;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Who gets the leader key when several members want it at once, and who may give it back. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeaderRaceStoreIT {

    @RegisterExtension
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    private static final Duration TTL = Duration.ofSeconds(10);

    @Test
    void fiveContendersRacingForTheLeaderKeyProduceExactlyOneLeader() throws Exception {
        try (Stores stores = new Stores(etcd)) {
            Map<String, ClusterStore> contenders = new HashMap<>();
            Map<String, Long> leases = new HashMap<>();
            for (int i = 1; i <= 5; i++) {
                String name = "node" + i;
                ClusterStore store = stores.open(name, TTL);
                LeaseStatus lease = store.keepAlive();
                contenders.put(name, store);
                leases.put(name, lease.leaseId());
            }

            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(contenders.size());
            Map<String, Future<Boolean>> outcomes = new HashMap<>();
            try {
                contenders.forEach((name, store) -> outcomes.put(name, pool.submit(() -> {
                    go.await();
                    return store.acquireLeader();
                })));
                go.countDown();
                List<String> winners = new ArrayList<>();
                for (Map.Entry<String, Future<Boolean>> outcome : outcomes.entrySet()) {
                    if (outcome.getValue().get(Timing.seconds(10).toMillis(), TimeUnit.MILLISECONDS)) {
                        winners.add(outcome.getKey());
                    }
                }

                assertThat(winners).as("contenders whose acquireLeader() returned true").hasSize(1);
                String winner = winners.get(0);
                assertThat(stores.etcdValue(stores.keys().leader())).isEqualTo(winner);
                ClusterView view = contenders.get("node1").load();
                assertThat(view.leader()).map(LeaderLock::name).contains(winner);
                assertThat(view.leader()).map(LeaderLock::leaseId)
                        .as("the leader key is attached to the winner's lease")
                        .contains(leases.get(winner));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void onlyTheOwnerCanReleaseTheLeaderKey() {
        try (Stores stores = new Stores(etcd)) {
            ClusterStore owner = stores.open("node1", TTL);
            ClusterStore other = stores.open("node2", TTL);
            owner.keepAlive();
            other.keepAlive();
            assertThat(owner.acquireLeader()).isTrue();
            assertThat(other.acquireLeader()).as("second acquire while the key is held").isFalse();

            assertThat(other.releaseLeader()).as("release by a non-owner").isFalse();
            assertThat(stores.etcdValue(stores.keys().leader())).isEqualTo("node1");
            assertThat(other.load().leader()).map(LeaderLock::name).contains("node1");

            assertThat(owner.releaseLeader()).as("release by the owner").isTrue();
            assertThat(stores.etcdValue(stores.keys().leader())).isEmpty();
            assertThat(owner.load().leader()).isEmpty();
            assertThat(owner.releaseLeader()).as("releasing a key that is already gone").isFalse();

            assertThat(other.acquireLeader()).as("the released key can be taken by another member").isTrue();
            assertThat(stores.etcdValue(stores.keys().leader())).isEqualTo("node2");
        }
    }

    @Test
    void onlyTheKeyHolderWritesItsPositionToStatus() {
        try (Stores stores = new Stores(etcd)) {
            ClusterStore former = stores.open("node1", TTL);
            ClusterStore leader = stores.open("node2", TTL);
            former.keepAlive();
            leader.keepAlive();
            assertThat(leader.acquireLeader()).isTrue();
            assertThat(leader.publishStatus(Lsn.parse("0/5000000"), "")).as("the holder's write").isTrue();

            // a former leader resuming from a pause, its position behind the new leader's
            assertThat(former.publishStatus(Lsn.parse("0/4000000"), "")).as("a write by a member not holding the key")
                    .isFalse();
            assertThat(leader.load().optime()).contains(Lsn.parse("0/5000000"));
        }
    }
}
