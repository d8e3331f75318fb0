package io.regent.tests.scenario;

import static io.regent.tests.scenario.Failover.TTL;
import static io.regent.tests.scenario.Failover.measured;
import static io.regent.tests.scenario.Failover.since;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Timing;
import io.regent.tests.fixture.Writer;
import java.nio.file.Files;
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
 * The primary's PostgreSQL crashes (SIGKILL to its postmaster) while its agent lives: the agent
 * brings it back in place as the same primary on the same timeline, losing nothing acknowledged;
 * if it cannot start again, the agent gives up the leader key after {@code primary_start_timeout}
 * and a standby takes over. Each test gets its own cluster.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PrimaryPostgresCrashIT {

    private static final String SCENARIO = "PostgreSQL crash on the primary";
    /** The default {@code primary_start_timeout}. */
    private static final Duration PRIMARY_START_TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    @Test
    void theSameNodeIsWritableAgainOnTheSameTimelineWithEveryAcknowledgedRowAndItsStandbysStillStreaming()
            throws Exception {
        AgentProcess primary = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, primary);
        int timeline = primary.timeline();
        int historyBefore = cluster.history().size();
        Map<String, Instant> started = Failover.postmasterStartTimes(standbys);

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);

            long crashed = System.nanoTime();
            primary.crashPostmaster();

            Failover.await(primary.name() + " writable again and answering /primary", Duration.ofSeconds(30),
                    () -> primary.isWritable() && primary.httpStatus("/primary") == 200);
            long backAt = System.nanoTime();
            Duration back = Duration.ofNanos(backAt - crashed);
            measured(SCENARIO, "crash -> the same node writable and answering /primary", back);
            assertThat(back).as("crash -> writable again").isLessThan(Timing.scaled(Duration.ofSeconds(30)));

            Map<String, Duration> streaming = Failover.awaitEachStreaming(primary, standbys, crashed, Duration.ofSeconds(30));
            measured(SCENARIO, "crash -> every standby streaming again",
                    streaming.values().stream().max(Duration::compareTo).orElseThrow());
            // a backend whose postmaster died may still commit on its open connection for a moment, so
            // the write outage is the longest gap between acknowledgements, not the first one after the crash
            writer.awaitAckAfter(backAt, primary, Duration.ofSeconds(10));
            writer.stop();
            measured(SCENARIO, "longest gap between acknowledged writes", writer.longestGap());

            assertThat(primary.timeline()).as("the timeline after the restart in place").isEqualTo(timeline);
            assertThat(Failover.assertConverged(cluster, primary, standbys, Duration.ofSeconds(10))).isEqualTo(timeline);
            assertThat(cluster.leaderKey()).as("the leader key").contains(primary.name());
            // crash recovery replays every commit that was acknowledged: nothing may be missing
            Failover.assertNoAcknowledgedWriteLost(writer, primary);
            Failover.assertNoSplitBrain(checker, primary);
            assertThat(cluster.history()).as("history: no switch happened").hasSize(historyBefore);
            Failover.assertNotRestarted(standbys, started);
        }
    }

    @Test
    void aStandbyTakesOverWhenThePrimarysPostgresCannotStartAgainWithinPrimaryStartTimeout() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);
        int oldTimeline = old.timeline();
        // ALTER SYSTEM writes postgresql.auto.conf on this node only; the next start fails on it
        old.execute("ALTER SYSTEM SET shared_preload_libraries = 'regent_it_missing_library'");

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            Failover.Mark mark = Failover.markReplicated(writer, old, standbys);

            long crashed = System.nanoTime();
            old.crashPostmaster();

            AgentProcess primary = Failover.awaitNewPrimary(cluster, old, PRIMARY_START_TIMEOUT.plus(TTL).plusSeconds(10));
            measured(SCENARIO, "crash (PostgreSQL cannot start) -> a standby answers /primary", since(crashed));
            List<AgentProcess> followers = Failover.othersThan(cluster, old, primary);
            Failover.awaitEachStreaming(primary, followers, crashed, Duration.ofSeconds(30));
            writer.awaitAckAfter(crashed, primary, Duration.ofSeconds(10));
            writer.stop();

            assertThat(standbys).contains(primary);
            assertThat(old.isPostgresRunning()).as(old.name() + "'s PostgreSQL, which cannot start").isFalse();
            assertThat(Files.readString(old.logFile())).as(old.name() + "'s log").contains("primary_start_timeout");
            int timeline = Failover.assertConverged(cluster, primary, followers, Duration.ofSeconds(10));
            assertThat(timeline).isEqualTo(oldTimeline + 1);
            assertThat(cluster.leaderKey()).as("the leader key").contains(primary.name());
            Failover.assertNoReplicatedWriteLost(writer, mark, primary);
            Failover.assertNoSplitBrain(checker, primary);
            Failover.assertHistoryRecordsSwitch(cluster, oldTimeline, primary);
        }
    }
}
