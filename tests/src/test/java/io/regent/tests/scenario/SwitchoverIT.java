package io.regent.tests.scenario;

import static io.regent.tests.scenario.Failover.measured;
import static io.regent.tests.scenario.Failover.since;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A planned switchover under a continuous writer: the leader hands over to the candidate, restarts
 * once as its standby (no rewind), the other standby follows without a restart, and no acknowledged
 * write is lost, since the candidate takes over only with the old leader's last WAL.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchoverIT {

    private static final String SCENARIO = "switchover";

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    @Test
    @Order(1)
    void theCandidateTakesOverAndTheOldLeaderStreamsFromItWithNoWriteLost() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);
        AgentProcess candidate = standbys.get(1);
        AgentProcess bystander = standbys.get(0);
        int oldTimeline = old.timeline();
        Map<String, Instant> started = Failover.postmasterStartTimes(List.of(old, bystander));
        Failover.awaitEachStreaming(old, standbys, System.nanoTime(), Duration.ofSeconds(30));

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);

            long requested = System.nanoTime();
            requestSwitchover(old, candidate);

            AgentProcess primary = Failover.awaitNewPrimary(cluster, old, Duration.ofSeconds(30));
            Duration toPrimary = since(requested);
            Map<String, Duration> streaming = Failover.awaitEachStreaming(primary, List.of(old, bystander), requested,
                    Duration.ofSeconds(30));
            Writer.Ack first = writer.awaitAckAfter(requested, primary, Duration.ofSeconds(10));
            writer.awaitAckAfter(first.nanos(), primary, Duration.ofSeconds(10));
            writer.stop();

            measured(SCENARIO, "request -> new primary answers /primary", toPrimary);
            measured(SCENARIO, "longest gap between acknowledged writes", writer.longestGap());
            measured(SCENARIO, "request -> old leader and bystander streaming from the new primary",
                    streaming.values().stream().max(Duration::compareTo).orElseThrow());

            assertThat(primary.name()).as("the new primary is the named candidate").isEqualTo(candidate.name());
            int timeline = Failover.assertConverged(cluster, primary, List.of(old, bystander), Duration.ofSeconds(10));
            assertThat(timeline).isEqualTo(oldTimeline + 1);
            Failover.assertNoAcknowledgedWriteLost(writer, primary);
            Failover.assertNoSplitBrain(checker, primary);
            Failover.assertNotRestarted(List.of(bystander), started);
            assertThat(old.postmasterStartTime()).as("the old leader restarted once, as a standby")
                    .isAfter(started.get(old.name()));
            Failover.assertHistoryRecordsSwitch(cluster, oldTimeline, primary);
            Failover.await("the carried-out request is deleted", Duration.ofSeconds(10), () -> failoverKey().isEmpty());
        }
    }

    @Test
    @Order(2)
    void aRequestNamingAnUnknownMemberIsDroppedAndTheLeaderStays() throws Exception {
        AgentProcess leader = Failover.awaitSteadyCluster(cluster);

        etcd.etcdctl("put", cluster.keyPrefix() + "failover", "{\"leader\": \"" + leader.name() + "\", \"member\": \"node9\"}");

        Failover.await("the impossible request is deleted", Duration.ofSeconds(15), () -> failoverKey().isEmpty());
        assertThat(cluster.leaderKey()).contains(leader.name());
        assertThat(leader.isWritable()).isTrue();
        assertThat(leader.logTail(200)).contains("cannot hand over to node9: no member named node9");
    }

    private static void requestSwitchover(AgentProcess leader, AgentProcess candidate) {
        etcd.etcdctl("put", cluster.keyPrefix() + "failover",
                "{\"leader\": \"" + leader.name() + "\", \"member\": \"" + candidate.name() + "\"}");
    }

    private static String failoverKey() {
        return etcd.etcdctl("get", cluster.keyPrefix() + "failover", "--print-value-only").trim();
    }
}
