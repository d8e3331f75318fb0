package io.regent.tests.scenario;

import static io.regent.tests.scenario.Failover.TTL;
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
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One primary and five standbys lose the primary's host: the best standby takes over and the four
 * others follow it at the same time, each by itself and none by restarting. Nobody acts on another
 * node, so the follow does not take longer with more standbys.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ParallelFollowIT {

    private static final String SCENARIO = "parallel follow (5 standbys)";

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(6).build();

    @Test
    void allFourSurvivingStandbysFollowTheNewPrimaryWithoutRestartingAfterTheHostLoss() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);
        assertThat(standbys).hasSize(5);
        int oldTimeline = old.timeline();
        Map<String, Instant> started = Failover.postmasterStartTimes(standbys);

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            Failover.Mark mark = Failover.markReplicated(writer, old, standbys);

            long killed = System.nanoTime();
            old.kill();

            AgentProcess primary = Failover.awaitNewPrimary(cluster, old, TTL.plusSeconds(10));
            Duration toPrimary = since(killed);
            List<AgentProcess> followers = Failover.othersThan(cluster, old, primary);
            Map<String, Duration> streaming = Failover.awaitEachStreaming(primary, followers, killed, Duration.ofSeconds(30));
            Writer.Ack first = writer.awaitAckAfter(killed, primary, Duration.ofSeconds(10));
            writer.stop();

            measured(SCENARIO, "kill -> new primary answers /primary", toPrimary);
            measured(SCENARIO, "kill -> first acknowledged write on the new primary", Duration.ofNanos(first.nanos() - killed));
            streaming.forEach((name, d) -> measured(SCENARIO, "kill -> " + name + " streaming from the new primary", d));
            measured(SCENARIO, "kill -> every standby streaming from the new primary",
                    streaming.values().stream().max(Duration::compareTo).orElseThrow());

            assertThat(followers).hasSize(4);
            int timeline = Failover.assertConverged(cluster, primary, followers, Duration.ofSeconds(10));
            assertThat(timeline).as("the new primary's timeline").isEqualTo(oldTimeline + 1);
            Failover.assertNotRestarted(followers, started);
            Failover.assertNoReplicatedWriteLost(writer, mark, primary);
            Failover.assertNoSplitBrain(checker, primary);
            Failover.assertHistoryRecordsSwitch(cluster, oldTimeline, primary);
        }
    }
}
