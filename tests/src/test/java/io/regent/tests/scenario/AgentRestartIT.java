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
 * The primary's agent dies (SIGKILL) and is started again at once while its PostgreSQL keeps
 * running: the new agent finds the leader key still naming its member and resumes leadership with a
 * new lease. No failover, no timeline change, no restart anywhere.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AgentRestartIT {

    private static final String SCENARIO = "agent restart on the primary";

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    @Test
    void aRestartedPrimaryAgentResumesLeadershipWithoutAFailoverOrAnyRestart() throws Exception {
        AgentProcess primary = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, primary);
        int timeline = primary.timeline();
        int historyBefore = cluster.history().size();
        Map<String, Instant> started = Failover.postmasterStartTimes(cluster.nodes());

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);

            long killed = System.nanoTime();
            primary.killAgentOnly();
            assertThat(primary.isPostgresRunning()).as(primary.name() + "'s PostgreSQL after its agent died").isTrue();
            primary.start();

            Failover.await(primary.name() + " answers /primary again", Duration.ofSeconds(30),
                    () -> primary.httpStatus("/primary") == 200);
            measured(SCENARIO, "agent kill -> /primary answers 200 again", since(killed));
            // beyond the old lease's ttl and an election's settle window: a failover would have happened by now
            Duration watch = TTL.plusSeconds(5).minus(since(killed));
            Failover.assertHoldsFor("no other node answers /primary and the leader key names " + primary.name(),
                    watch.compareTo(Duration.ofSeconds(3)) > 0 ? watch : Duration.ofSeconds(3),
                    () -> cluster.primaries().equals(List.of(primary)) && cluster.leaderKey().equals(
                            java.util.Optional.of(primary.name())));
            writer.awaitAckAfter(killed, primary, Duration.ofSeconds(10));
            writer.stop();
            measured(SCENARIO, "longest gap between acknowledged writes", writer.longestGap());

            assertThat(Failover.assertConverged(cluster, primary, standbys, Duration.ofSeconds(10))).isEqualTo(timeline);
            for (AgentProcess node : cluster.nodes()) {
                assertThat(node.timeline()).as(node.name() + "'s timeline").isEqualTo(timeline);
            }
            assertThat(cluster.leaderKey()).as("the leader key").contains(primary.name());
            assertThat(cluster.history()).as("history: no switch happened").hasSize(historyBefore);
            assertThat(writer.acknowledged()).as("acknowledged writes").allMatch(a -> a.node().equals(primary.name()));
            Failover.assertNoAcknowledgedWriteLost(writer, primary);
            Failover.assertNoSplitBrain(checker, primary);
            Failover.assertNotRestarted(cluster.nodes(), started);
        }
    }
}
