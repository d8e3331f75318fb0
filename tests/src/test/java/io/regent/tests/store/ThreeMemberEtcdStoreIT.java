package io.regent.tests.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.model.LeaderLock;
import io.regent.common.store.ClusterStore;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.Timing;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store against a real 3-member etcd cluster, addressed by its list of endpoints. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ThreeMemberEtcdStoreIT {

    @RegisterExtension
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().withNodes(3).build();

    @Test
    void theStoreWorksAgainstTheEndpointListAndSurvivesTheLossOfOneMember() {
        assertThat(etcd.clientEndpoints()).hasSize(3).doesNotHaveDuplicates();
        assertThat(etcd.etcdctl("member", "list"))
                .contains(etcd.memberName(0), etcd.memberName(1), etcd.memberName(2));

        try (Stores stores = new Stores(etcd)) {
            ClusterStore store = stores.open("node1", Duration.ofSeconds(10));
            store.keepAlive();
            store.publishMember(Stores.member("node1"));
            assertThat(store.acquireLeader()).isTrue();
            assertThat(store.load().leader()).map(LeaderLock::name).contains("node1");

            etcd.killMember(0);

            // two of three members keep quorum: the same client keeps reading and writing
            assertThat(store.keepAlive().regranted()).isFalse();
            assertThat(store.load().leader()).map(LeaderLock::name).contains("node1");
            assertThat(store.releaseLeader()).isTrue();

            etcd.startMember(0);
            etcd.awaitHealthy(Timing.seconds(15));
            assertThat(store.load().members()).containsKey("node1");
        }
    }
}
