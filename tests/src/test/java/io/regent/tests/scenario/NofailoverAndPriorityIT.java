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
import java.nio.file.Files;
import java.time.Duration;
import java.util.Comparator;
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
 * Among standbys with the same WAL position the one with the higher {@code priority} wins, even
 * against an earlier name; a {@code nofailover} member never promotes, not with the highest priority
 * and not as the last member left. Three primaries are lost in turn, so the steps share one cluster
 * and run in order.
 *
 * <p>node1..node3 have priorities 10, 20, 30 (a later name always has the higher priority, so a win
 * by name would pick the other one); node4 is {@code nofailover} with priority 100. The writer is
 * paused at each kill so every standby holds exactly the same WAL and only the tags can decide.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NofailoverAndPriorityIT {

    private static final String SCENARIO = "nofailover/priority";
    private static final String NOFAILOVER = "node4";
    private static final Map<String, Integer> PRIORITIES = Map.of("node1", 10, "node2", 20, "node3", 30, NOFAILOVER, 100);

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(4)
            .priority("node1", 10).priority("node2", 20).priority("node3", 30)
            .priority(NOFAILOVER, 100).nofailover(NOFAILOVER)
            .build();

    /** The primary left by the previous step. */
    private static AgentProcess primary;

    @Test
    @Order(1)
    void amongStandbysWithTheSameWalTheHigherPriorityWinsAgainstAnEarlierName() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        assertThat(old.name()).as("a nofailover member does not bootstrap the cluster").isNotEqualTo(NOFAILOVER);
        List<AgentProcess> survivors = Failover.othersThan(cluster, old);
        AgentProcess expected = bestByPriority(survivors);

        primary = loseThePrimary(old, expected);
    }

    @Test
    @Order(2)
    void aNofailoverStandbyWithTheHighestPriorityLetsTheOtherStandbyWin() throws Exception {
        assertThat(primary).as("the primary from the previous step").isNotNull();
        AgentProcess old = primary;
        List<AgentProcess> survivors = cluster.nodes().stream().filter(AgentProcess::isRunning).filter(n -> n != old).toList();
        assertThat(survivors).hasSize(2).extracting(AgentProcess::name).contains(NOFAILOVER);
        AgentProcess expected = survivors.stream().filter(n -> !n.name().equals(NOFAILOVER)).findFirst().orElseThrow();

        primary = loseThePrimary(old, expected);
    }

    @Test
    @Order(3)
    void aNofailoverStandbyLeftAloneNeverPromotes() throws Exception {
        assertThat(primary).as("the primary from the previous step").isNotNull();
        AgentProcess old = primary;
        AgentProcess lonely = cluster.node(NOFAILOVER);
        cluster.awaitStreamingStandbys(old, 1, Failover.REPLICATION);

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(20, Failover.REPLICATION);
            // no insert in flight across the kill: any acknowledgement after it was taken by some node
            writer.pause();
            long killed = System.nanoTime();
            old.kill();
            writer.resume();

            Failover.assertHoldsFor(NOFAILOVER + " stays a standby and nobody answers /primary", TTL.plusSeconds(2 + 5),
                    () -> cluster.primaries().isEmpty() && !lonely.isWritable() && lonely.isPostgresRunning());
            writer.stop();
            checker.stop();

            assertThat(writer.firstAckAfter(killed)).as("a write acknowledged after the last eligible primary died").isEmpty();
            assertThat(checker.violations()).isEmpty();
            assertThat(lonely.queryValue("SELECT pg_is_in_recovery()")).isEqualTo("t");
            assertThat(cluster.leaderKey()).as("the leader key").isEmpty();
            String decision = lonely.status().orElseThrow().path("last_decision").asText();
            System.out.println(NOFAILOVER + " last_decision: " + decision);
            assertThat(decision).as(NOFAILOVER + "'s last decision").contains("nofailover");
            assertThat(Files.readString(lonely.logFile())).as(NOFAILOVER + "'s log").contains("tagged nofailover");
        }
    }

    /**
     * Pauses the writes until every standby holds exactly the primary's WAL, kills the primary's host,
     * and checks that {@code expected} takes over, the others follow it, and the nofailover member
     * never answered as primary.
     */
    private static AgentProcess loseThePrimary(AgentProcess old, AgentProcess expected) throws Exception {
        List<AgentProcess> standbys = cluster.nodes().stream().filter(AgentProcess::isRunning).filter(n -> n != old).toList();
        cluster.awaitStreamingStandbys(old, standbys.size(), Failover.REPLICATION);
        int oldTimeline = old.timeline();
        AgentProcess nofailover = cluster.node(NOFAILOVER);

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(30, Failover.REPLICATION);
            writer.pause();
            Failover.Mark mark = Failover.markReplicated(writer, old, standbys);
            String lsn = Failover.awaitEqualPositions(old, standbys);
            System.out.println("every standby holds " + lsn + " when " + old.name() + " dies; expecting " + expected.name()
                    + " (priority " + PRIORITIES.get(expected.name()) + ") to win");

            long killed = System.nanoTime();
            old.kill();
            writer.resume();

            AgentProcess winner = Failover.awaitNewPrimary(cluster, old, TTL.plusSeconds(10));
            measured(SCENARIO, "kill of " + old.name() + " -> " + winner.name() + " answers /primary", since(killed));
            assertThat(winner.name()).as("the new primary (priorities " + PRIORITIES + ", " + NOFAILOVER + " nofailover)")
                    .isEqualTo(expected.name());
            List<AgentProcess> followers = standbys.stream().filter(n -> n != winner).toList();
            Failover.awaitEachStreaming(winner, followers, killed, Duration.ofSeconds(30));
            writer.awaitAckAfter(killed, winner, Duration.ofSeconds(10));
            writer.stop();

            int timeline = Failover.assertConverged(cluster, winner, followers, Duration.ofSeconds(10));
            assertThat(timeline).isEqualTo(oldTimeline + 1);
            Failover.assertNoReplicatedWriteLost(writer, mark, winner);
            assertThat(checker.writableRounds(nofailover)).as("rounds in which " + NOFAILOVER + " took writes").isZero();
            Failover.assertNoSplitBrain(checker, winner);
            Failover.assertHistoryRecordsSwitch(cluster, oldTimeline, winner);
            return winner;
        }
    }

    private static AgentProcess bestByPriority(List<AgentProcess> nodes) {
        return nodes.stream().filter(n -> !n.name().equals(NOFAILOVER))
                .max(Comparator.comparingInt(n -> PRIORITIES.get(n.name()))).orElseThrow();
    }
}
