package io.regent.tests.scenario;

import static io.regent.tests.scenario.Failover.TTL;
import static io.regent.tests.scenario.Failover.measured;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Writer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The primary's agent hangs (SIGSTOP) or dies (SIGKILL) while its PostgreSQL runs on, asynchronous
 * replication, a writer and the split-brain checker running: the node's fence process stops that
 * PostgreSQL before the lease can expire, so it takes no write once another node is promoted. The hung
 * agent, resumed, does not take the leader key back from its stale view, and the old primary rejoins
 * as a streaming standby; the dead agent, restarted, takes over the same fence.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentHangFenceIT {

    private static final String SCENARIO = "agent hang, fenced";

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    @Test
    @Order(1)
    void aHungLeaderAgentsPrimaryStopsBeforeAnotherIsPromotedAndRejoinsAsAStandbyAfterSigcont() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);
        int oldTimeline = old.timeline();
        assertThat(old.fence()).as(old.name() + "'s fence process").isPresent();
        long fenceRss = old.fenceRssKb().orElse(-1);
        System.out.printf("MEASURED %s: fence process RSS = %d kB%n", SCENARIO, fenceRss);

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            Failover.Mark mark = Failover.markReplicated(writer, old, standbys);

            AgentProcess primary;
            long resumed;
            try (WritableWatch watch = WritableWatch.start(old, standbys)) {
                long fault = System.nanoTime();
                old.pause();
                try {
                    primary = Failover.awaitNewPrimary(cluster, old, TTL.plusSeconds(30));
                    assertFencedBeforePromotion(watch, old, fault);
                    assertThat(old.isPostgresRunning()).as(old.name() + "'s PostgreSQL while its agent is hung").isFalse();
                    assertThat(old.logTail(400)).as(old.name() + "'s log").contains("Fence: fenced: postmaster");
                    // hung on until the other standby follows the new primary: the stale view is as stale as it gets
                    List<AgentProcess> followers = Failover.othersThan(cluster, old, primary);
                    Failover.await("the other standby streams from " + primary.name(), Duration.ofSeconds(30),
                            () -> Failover.allStreaming(primary, followers));
                } finally {
                    resumed = System.nanoTime();
                    old.resume();
                }
                AgentProcess leader = primary;
                // the resumed agent acts on a view from before its pause: every ownership write is a compare-and-swap
                Failover.assertHoldsFor("after SIGCONT the leader key stays with " + leader.name() + " and " + old.name()
                        + " never takes writes", TTL, () -> cluster.leaderKey().equals(Optional.of(leader.name()))
                        && !old.isWritable());
                assertThat(watch.oldLastWritableAt()).as(old.name() + " was never writable again after the promotion")
                        .isLessThan(watch.firstPromotedAt().getAsLong());
            }

            Failover.await(old.name() + " streams from " + primary.name(), Duration.ofSeconds(90),
                    () -> Failover.allStreaming(primary, List.of(old)));
            measured(SCENARIO, "SIGCONT -> old primary streaming from the new one", Failover.since(resumed));
            writer.awaitAckAfter(resumed, primary, Duration.ofSeconds(10));
            writer.stop();

            int timeline = Failover.assertConverged(cluster, primary, Failover.othersThan(cluster, primary),
                    Duration.ofSeconds(30));
            assertThat(timeline).as("the new timeline").isGreaterThan(oldTimeline);
            assertThat(cluster.leaderKey()).as("the leader key").contains(primary.name());
            Failover.assertHistoryRecordsSwitch(cluster, oldTimeline, primary);
            assertNewPrimaryKeptItsWrites(writer, primary);
            Failover.assertNoReplicatedWriteLost(writer, mark, primary);
            Failover.assertNoSplitBrain(checker, primary);
        }
    }

    @Test
    @Order(2)
    void aDeadLeaderAgentsPrimaryIsFencedAndTheRestartedAgentTakesOverTheSameFence() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);
        Failover.awaitEachStreaming(old, standbys, System.nanoTime(), Duration.ofSeconds(60));
        long fencePid = old.fence().orElseThrow(() -> new AssertionError(old.name() + " has no fence process")).pid();

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            Failover.Mark mark = Failover.markReplicated(writer, old, standbys);

            AgentProcess primary;
            try (WritableWatch watch = WritableWatch.start(old, standbys)) {
                long fault = System.nanoTime();
                old.killAgentOnly();
                assertThat(old.fence().map(ProcessHandle::pid)).as("the fence outlives its agent").contains(fencePid);

                primary = Failover.awaitNewPrimary(cluster, old, TTL.plusSeconds(30));
                assertFencedBeforePromotion(watch, old, fault);
                assertThat(old.isPostgresRunning()).as(old.name() + "'s PostgreSQL, its agent dead").isFalse();
            }

            long restarted = System.nanoTime();
            old.start();
            Failover.await(old.name() + " streams from " + primary.name(), Duration.ofSeconds(90),
                    () -> Failover.allStreaming(primary, List.of(old)));
            measured(SCENARIO, "agent restart -> old primary streaming from the new one", Failover.since(restarted));
            assertThat(old.fence().map(ProcessHandle::pid)).as("the restarted agent's fence: the same process, not a second")
                    .contains(fencePid);
            assertThat(fenceProcessesOf(old)).isEqualTo(1);
            writer.awaitAckAfter(restarted, primary, Duration.ofSeconds(10));
            writer.stop();

            Failover.assertConverged(cluster, primary, Failover.othersThan(cluster, primary), Duration.ofSeconds(30));
            assertNewPrimaryKeptItsWrites(writer, primary);
            Failover.assertNoReplicatedWriteLost(writer, mark, primary);
            Failover.assertNoSplitBrain(checker, primary);
        }
    }

    /**
     * The last moment the old primary was seen taking writes (the end of that check) came before the first
     * moment another node was (the start of that check).
     */
    private static void assertFencedBeforePromotion(WritableWatch watch, AgentProcess old, long fault) {
        Failover.await(old.name() + " stops taking writes", Duration.ofSeconds(10), () -> !old.isWritable());
        // the watch asks PostgreSQL directly and may see the promotion a little after /primary does
        Failover.await("the watch sees another node take writes", Duration.ofSeconds(10),
                () -> watch.firstPromotedAt().isPresent());
        long lastWritable = watch.oldLastWritableAt();
        long promoted = watch.firstPromotedAt().orElseThrow(() -> new AssertionError("no promotion seen"));
        measured(SCENARIO, "fault -> old primary last seen writable", Duration.ofNanos(lastWritable - fault));
        measured(SCENARIO, "fault -> new primary first seen writable", Duration.ofNanos(promoted - fault));
        measured(SCENARIO, "old primary's last write before the promotion by", Duration.ofNanos(promoted - lastWritable));
        assertThat(lastWritable).as("when " + old.name() + " was last seen taking writes (ns), versus the first other"
                + " node seen taking writes").isLessThan(promoted);
    }

    /** Every insert the new primary acknowledged is on it: nothing of its own was rewound away by a stale leader. */
    private static void assertNewPrimaryKeptItsWrites(Writer writer, AgentProcess primary) throws SQLException {
        Set<Long> present = Writer.idsOn(primary);
        List<Long> lost = writer.acknowledged().stream().filter(a -> a.node().equals(primary.name())).map(Writer.Ack::id)
                .filter(id -> !present.contains(id)).toList();
        assertThat(writer.acknowledged()).as("inserts acknowledged by the new primary").anyMatch(a -> a.node().equals(primary.name()));
        assertThat(lost).as("inserts acknowledged by " + primary.name() + " and missing on it").isEmpty();
    }

    private static long fenceProcessesOf(AgentProcess node) {
        String socket = node.fenceSocket().toString();
        return ProcessHandle.allProcesses().filter(h -> h.info().arguments()
                .map(args -> List.of(args).contains(socket)).orElse(false)).count();
    }

    /**
     * One thread per node asking PostgreSQL every 50 ms whether it is out of recovery
     * ({@link AgentProcess#isWritable()}): the end of the last check that found the old primary writable,
     * and the start of the first check that found another node writable.
     */
    private static final class WritableWatch implements AutoCloseable {
        private final AgentProcess old;
        private final List<Thread> threads = new java.util.ArrayList<>();
        private volatile boolean running = true;
        private volatile long oldLastWritable;
        private volatile long firstPromoted;

        private WritableWatch(AgentProcess old, List<AgentProcess> others) {
            this.old = old;
            threads.add(new Thread(this::watchOld, "watch-" + old.name()));
            for (AgentProcess other : others) {
                threads.add(new Thread(() -> watchOther(other), "watch-" + other.name()));
            }
            threads.forEach(t -> {
                t.setDaemon(true);
                t.start();
            });
        }

        static WritableWatch start(AgentProcess old, List<AgentProcess> others) {
            return new WritableWatch(old, others);
        }

        private void watchOld() {
            while (running) {
                if (old.isWritable()) {
                    oldLastWritable = System.nanoTime();
                }
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
        }

        private void watchOther(AgentProcess node) {
            while (running && firstPromoted == 0) {
                long asked = System.nanoTime();
                if (node.isWritable()) {
                    synchronized (this) {
                        if (firstPromoted == 0) {
                            firstPromoted = asked;
                        }
                    }
                }
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
        }

        long oldLastWritableAt() {
            return oldLastWritable;
        }

        OptionalLong firstPromotedAt() {
            return firstPromoted == 0 ? OptionalLong.empty() : OptionalLong.of(firstPromoted);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            for (Thread thread : threads) {
                thread.join(5_000);
            }
        }
    }
}
