package io.regent.tests.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole cluster stopped and started again comes back by itself, with its data and one leader. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterRestartIT {

    private static final Duration BOOTSTRAP = Duration.ofSeconds(90);
    private static final Duration REPLICATION = Duration.ofSeconds(30);

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    @Test
    void aStoppedClusterRestartsWithTheSameDataAndTheFurthestAheadNodeLeading() throws Exception {
        AgentProcess primary = cluster.awaitPrimary(BOOTSTRAP);
        List<AgentProcess> standbys = cluster.awaitStreamingStandbys(primary, 2, BOOTSTRAP);
        Replication.createTable(primary);
        Replication.insertRows(primary, 1, 100);
        Replication.awaitRowsOn(standbys, 100, REPLICATION);

        // standbys first: the primary's shutdown checkpoint then reaches nobody, so it is strictly ahead
        for (AgentProcess standby : standbys) {
            assertThat(standby.stop()).hasValue(0);
        }
        assertThat(primary.stop()).hasValue(0);
        assertThat(cluster.nodes()).noneMatch(AgentProcess::isPostgresRunning);

        CompletableFuture.allOf(cluster.nodes().stream()
                .map(node -> CompletableFuture.runAsync(node::start))
                .toArray(CompletableFuture[]::new)).join();

        AgentProcess leader = cluster.awaitPrimary(BOOTSTRAP);
        assertThat(leader.name()).as("the node whose WAL is furthest ahead leads").isEqualTo(primary.name());
        List<AgentProcess> followers = cluster.awaitStreamingStandbys(leader, 2, BOOTSTRAP);
        assertThat(Replication.count(leader)).isEqualTo(100);
        Replication.insertRows(leader, 101, 110);
        Replication.awaitRowsOn(followers, 110, REPLICATION);
        assertThat(cluster.primaries()).containsExactly(leader);
    }
}
