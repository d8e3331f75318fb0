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
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A standby cut from replication (its WAL receiver SIGSTOPped: still connected, receiving nothing)
 * while the primary writes more than {@code maximum_lag_on_failover}: when the primary dies the
 * up-to-date standby wins, and when every standby is that far behind nobody promotes and each says
 * why. Each test gets its own cluster.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LaggingStandbyIT {

    private static final String SCENARIO = "lagging standby";
    private static final long MAX_LAG = 64 * 1024;

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).maximumLagOnFailover(MAX_LAG).build();

    @Test
    void theUpToDateStandbyWinsAndTheLaggingOneFollowsItOnceItReceivesAgain() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);
        AgentProcess lagging = standbys.get(0);
        AgentProcess upToDate = standbys.get(1);
        int oldTimeline = old.timeline();

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(30, Failover.REPLICATION);
            Failover.Mark mark = Failover.markReplicated(writer, old, standbys);
            lagging.pauseWalReceiver();
            long leaderPosition = writeBeyondTheLagLimit(old, List.of(upToDate));
            long lag = leaderPosition - receivedBytes(lagging);
            System.out.println(lagging.name() + " is " + lag + " bytes behind when " + old.name() + " dies");
            assertThat(lag).as("how far the cut standby is behind").isGreaterThan(MAX_LAG);

            long killed = System.nanoTime();
            old.kill();

            AgentProcess primary = Failover.awaitNewPrimary(cluster, old, TTL.plusSeconds(10));
            measured(SCENARIO, "kill -> new primary answers /primary", since(killed));
            assertThat(primary.name()).as("the new primary").isEqualTo(upToDate.name());
            System.out.println(lagging.name() + " last_decision while cut: "
                    + lagging.status().map(s -> s.path("last_decision").asText()).orElse("(no answer)"));

            long resumed = System.nanoTime();
            lagging.resumeWalReceiver();
            Failover.awaitEachStreaming(primary, List.of(lagging), resumed, Duration.ofSeconds(30))
                    .forEach((name, d) -> measured(SCENARIO, "resume -> " + name + " streaming from the new primary", d));
            writer.awaitAckAfter(killed, primary, Duration.ofSeconds(10));
            writer.stop();

            int timeline = Failover.assertConverged(cluster, primary, List.of(lagging), Duration.ofSeconds(10));
            assertThat(timeline).isEqualTo(oldTimeline + 1);
            assertThat(receivedBytes(lagging)).as("what the lagging standby has now").isGreaterThanOrEqualTo(leaderPosition);
            Failover.assertNoReplicatedWriteLost(writer, mark, primary);
            Failover.assertNoSplitBrain(checker, primary);
            Failover.assertHistoryRecordsSwitch(cluster, oldTimeline, primary);
        }
    }

    @Test
    void nobodyPromotesWhenEveryStandbyIsFurtherBehindThanMaximumLagOnFailoverAndEachSaysWhy() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(30, Failover.REPLICATION);
            for (AgentProcess standby : standbys) {
                standby.pauseWalReceiver();
            }
            long leaderPosition = writeBeyondTheLagLimit(old, List.of());
            for (AgentProcess standby : standbys) {
                assertThat(leaderPosition - receivedBytes(standby)).as(standby.name() + "'s lag").isGreaterThan(MAX_LAG);
            }

            writer.pause();
            long killed = System.nanoTime();
            old.kill();
            writer.resume();

            for (AgentProcess standby : standbys) {
                try {
                    Failover.await(standby.name() + "'s last_decision names maximum_lag_on_failover", TTL.plusSeconds(10),
                            () -> lastDecision(standby).contains("maximum_lag_on_failover"));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; it says: " + lastDecision(standby), e);
                }
            }
            Failover.assertHoldsFor("nobody answers /primary", Duration.ofSeconds(3), () -> cluster.primaries().isEmpty());
            writer.stop();
            checker.stop();

            for (AgentProcess standby : standbys) {
                String decision = lastDecision(standby);
                System.out.println(standby.name() + " last_decision: " + decision);
                assertThat(decision).contains("maximum_lag_on_failover");
                assertThat(checker.writableRounds(standby)).as("rounds in which " + standby.name() + " took writes").isZero();
                assertThat(checker.primaryEndpointRounds(standby)).as("rounds in which " + standby.name()
                        + " answered 200 on /primary").isZero();
                assertThat(standby.queryValue("SELECT pg_is_in_recovery()")).isEqualTo("t");
            }
            assertThat(checker.writableRounds(old)).as("the checker saw the old primary take writes").isPositive();
            assertThat(checker.violations()).isEmpty();
            assertThat(writer.firstAckAfter(killed)).as("a write acknowledged after the primary died").isEmpty();
            assertThat(cluster.leaderKey()).as("the leader key").isEmpty();
            assertThat(cluster.history()).as("history: no switch happened").isEmpty();
        }
    }

    /**
     * Writes about 400 kB of WAL on the primary, waits until the given standbys received it and the
     * leader published a position at least that far in {@code status}; returns that position in bytes.
     */
    private long writeBeyondTheLagLimit(AgentProcess primary, List<AgentProcess> receivers) throws SQLException {
        primary.execute("CREATE TABLE IF NOT EXISTS filler (id bigint, pad text)");
        primary.execute("INSERT INTO filler SELECT g, repeat(md5(g::text), 40) FROM generate_series(1, 300) g");
        String lsn = primary.queryValue("SELECT pg_current_wal_flush_lsn()");
        long bytes = Long.parseLong(primary.queryValue("SELECT pg_wal_lsn_diff('" + lsn + "', '0/0')::bigint"));
        for (AgentProcess standby : receivers) {
            Failover.await(standby.name() + " received " + lsn, Failover.REPLICATION, () -> {
                try {
                    return receivedBytes(standby) >= bytes;
                } catch (SQLException e) {
                    return false;
                }
            });
        }
        Failover.await("the leader published a position of at least " + lsn, Duration.ofSeconds(10),
                () -> cluster.leaderOptime().filter(optime -> optime >= bytes).isPresent());
        return bytes;
    }

    private static long receivedBytes(AgentProcess standby) throws SQLException {
        return Long.parseLong(standby.queryValue("SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')::bigint"));
    }

    private static String lastDecision(AgentProcess node) {
        return node.status().map(s -> s.path("last_decision").asText()).orElse("");
    }
}
