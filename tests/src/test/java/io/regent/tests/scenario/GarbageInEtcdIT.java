package io.regent.tests.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An operator writes garbage into the cluster's keys with etcdctl. Each case: a clear log line, no
 * crash, no wrong promotion, the cluster stays (or becomes again) one primary with its standbys.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GarbageInEtcdIT {

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    @Test
    @Order(1)
    void malformedMemberConfigAndFailoverValuesAreReportedAndIgnored() throws Exception {
        AgentProcess leader = Failover.awaitSteadyCluster(cluster);
        int timeline = leader.timeline();

        put("members/ghost", "this is not JSON");
        put("failover", "{\"member\": 42}");
        put("config", "{\"ttl\": 1, \"loop_wait\": 10}");

        Failover.await("every agent reports the three keys", Duration.ofSeconds(20), () -> cluster.nodes().stream()
                .allMatch(node -> node.logTail(200).contains("ignoring etcd key " + cluster.keyPrefix() + "members/ghost")
                        && node.logTail(200).contains("ignoring etcd key " + cluster.keyPrefix() + "failover")
                        && node.logTail(200).contains("ignoring etcd key " + cluster.keyPrefix() + "config")));
        Failover.assertHoldsFor("the cluster stays as it was", Duration.ofSeconds(5),
                () -> cluster.leaderKey().filter(leader.name()::equals).isPresent() && leader.isWritable());
        Failover.assertConverged(cluster, leader, Failover.othersThan(cluster, leader), Duration.ofSeconds(10));
        assertThat(leader.timeline()).isEqualTo(timeline);
        for (AgentProcess node : cluster.nodes()) {
            assertThat(node.isRunning()).as(node.name() + "'s agent").isTrue();
            assertThat(occurrences(node.logTail(400), "ignoring etcd key " + cluster.keyPrefix() + "members/ghost"))
                    .as("reported once per change, not every cycle").isEqualTo(1);
        }

        etcd.etcdctl("del", cluster.keyPrefix() + "members/ghost");
        etcd.etcdctl("del", cluster.keyPrefix() + "failover");
        etcd.etcdctl("del", cluster.keyPrefix() + "config");
        Failover.await("the leader restores the deleted config key", Duration.ofSeconds(15),
                () -> get("config").contains("\"ttl\""));
        assertThat(leader.logTail(200)).contains("restored it from the last intact copy");
        assertThat(get("config")).as("the last intact copy, not the garbage").doesNotContain("\"ttl\":1,");
    }

    @Test
    @Order(2)
    void aLeaderKeyWrittenByHandWithoutALeaseIsReplacedAndThePrimaryKeepsLeading() throws Exception {
        AgentProcess leader = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, leader);
        Failover.awaitEqualPositions(leader, standbys);
        int timeline = leader.timeline();

        put("leader", "ghost");

        Failover.await("a real member holds the leader key again", Duration.ofSeconds(30),
                () -> cluster.leaderKey().filter(name -> cluster.nodes().stream().anyMatch(n -> n.name().equals(name))).isPresent());
        Failover.await("one primary with its standbys", Duration.ofSeconds(30),
                () -> cluster.primaries().size() == 1 && Failover.allStreaming(cluster.primaries().get(0),
                        Failover.othersThan(cluster, cluster.primaries().get(0))));
        assertThat(cluster.leaderKey()).as("the running primary kept leading: same WAL, no needless promotion")
                .contains(leader.name());
        assertThat(leader.timeline()).isEqualTo(timeline);
        assertThat(leader.logTail(300)).contains("has no lease");
    }

    private static void put(String key, String value) {
        etcd.etcdctl("put", cluster.keyPrefix() + key, value);
    }

    private static String get(String key) {
        return etcd.etcdctl("get", cluster.keyPrefix() + key, "--print-value-only").trim();
    }

    private static int occurrences(String text, String fragment) {
        int count = 0;
        for (int at = text.indexOf(fragment); at >= 0; at = text.indexOf(fragment, at + 1)) {
            count++;
        }
        return count;
    }
}
