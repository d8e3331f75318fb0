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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * etcd stalls (its only member SIGSTOPped: connections hang, nothing answers). A stall the leader's lease
 * outlasts, as long as etcd electing a new raft leader on a loaded host, changes nothing. A longer one cuts
 * the leader from etcd: it stops taking writes before its lease could have expired anywhere, so no other node can have
 * been promoted while it still took them. Once etcd answers again the cluster converges to one
 * primary with the standbys streaming from it.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdFreezeIT {

    private static final String SCENARIO = "etcd frozen";

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    /**
     * ttl 10, loop_wait 1, retry_timeout 3: the leader's first attempt in the stall fails with at least 5.9 s of
     * lease left, which outlasts another attempt and a stop, so it stays primary and the next attempt succeeds.
     */
    @Test
    @Order(1)
    void aStallTheLeaseOutlastsChangesNothing() throws Exception {
        AgentProcess leader = Failover.awaitSteadyCluster(cluster);
        int timeline = leader.timeline();
        Duration stall = Duration.ofMillis(4_500);

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            long frozen = System.nanoTime();
            etcd.pauseMember(0);
            try {
                // /primary too: HAProxy must keep sending writes to it
                Failover.assertHoldsFor(leader.name() + " takes writes and answers 200 on /primary while etcd stalls for "
                        + stall.toMillis() + " ms", stall, () -> leader.isWritable() && leader.httpStatus("/primary") == 200);
            } finally {
                etcd.resumeMember(0);
            }
            Failover.assertHoldsFor(leader.name() + " takes writes after the stall", TTL, leader::isWritable);
            writer.stop();

            measured(SCENARIO, "stall of " + stall.toMillis() + " ms -> longest gap between acknowledged writes",
                    writer.longestGap());
            assertThat(writer.firstAckAfter(frozen + stall.toNanos(), leader)).as("a write acknowledged after the stall")
                    .isPresent();
            assertThat(writer.acknowledged()).as("writes acknowledged by another node").allMatch(a -> a.node().equals(leader.name()));
            Failover.assertConverged(cluster, leader, Failover.othersThan(cluster, leader), Duration.ofSeconds(30));
            assertThat(leader.timeline()).as("the timeline after the stall").isEqualTo(timeline);
            assertThat(cluster.history()).as("history: no switch happened").isEmpty();
            Failover.assertNoSplitBrain(checker, leader);
        }
    }

    @Test
    @Order(2)
    void theLeaderStopsTakingWritesBeforeTheTtlAndTheClusterConvergesOnceEtcdAnswersAgain() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);
        int oldTimeline = old.timeline();

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            Failover.Mark mark = Failover.markReplicated(writer, old, standbys);

            long frozen = System.nanoTime();
            etcd.pauseMember(0);
            try {
                Long apiStopped = null;
                Long writesStopped = null;
                // the ttl is the safety bound itself, so it is not scaled
                while (since(frozen).compareTo(TTL) < 0 && (apiStopped == null || writesStopped == null)) {
                    if (apiStopped == null && old.httpStatus("/primary") != 200) {
                        apiStopped = System.nanoTime() - frozen;
                    }
                    if (writesStopped == null && !old.isWritable()) {
                        writesStopped = System.nanoTime() - frozen;
                    }
                    LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                }
                assertThat(apiStopped).as(old.name() + " answered 200 on /primary for the whole ttl without etcd").isNotNull();
                assertThat(writesStopped).as(old.name() + " took writes for the whole ttl without etcd").isNotNull();
                measured(SCENARIO, "freeze -> old primary answers 503 on /primary", Duration.ofNanos(apiStopped));
                measured(SCENARIO, "freeze -> old primary's PostgreSQL stops taking writes", Duration.ofNanos(writesStopped));
                Optional<Writer.Ack> lastOnOld = writer.acknowledged().stream().filter(a -> a.node().equals(old.name()))
                        .reduce((a, b) -> b);
                assertThat(lastOnOld).isPresent();
                measured(SCENARIO, "freeze -> last write acknowledged by the old primary",
                        Duration.ofNanos(lastOnOld.get().nanos() - frozen));
                assertThat(Duration.ofNanos(lastOnOld.get().nanos() - frozen))
                        .as("the last write the old primary acknowledged, after the freeze").isLessThan(TTL);

                // stay cut until every lease has certainly run out
                long until = frozen + TTL.plusSeconds(2).toNanos();
                LockSupport.parkNanos(Math.max(0, until - System.nanoTime()));
                assertThat(cluster.nodes().stream().filter(AgentProcess::isWritable).map(AgentProcess::name).toList())
                        .as("nodes taking writes while etcd is frozen").isEmpty();
            } finally {
                etcd.resumeMember(0);
            }
            long resumed = System.nanoTime();

            AgentProcess primary = cluster.awaitPrimary(Duration.ofSeconds(60));
            measured(SCENARIO, "resume -> a primary answers /primary", since(resumed));
            List<AgentProcess> followers = Failover.othersThan(cluster, primary);
            Failover.awaitEachStreaming(primary, followers, resumed, Duration.ofSeconds(30))
                    .forEach((name, d) -> measured(SCENARIO, "resume -> " + name + " streaming", d));
            writer.awaitAckAfter(resumed, primary, Duration.ofSeconds(10));
            writer.stop();

            int timeline = Failover.assertConverged(cluster, primary, followers, Duration.ofSeconds(10));
            Failover.assertNoReplicatedWriteLost(writer, mark, primary);
            Failover.assertNoSplitBrain(checker, primary);
            System.out.println("after the outage: " + primary.name() + " leads on timeline " + timeline + " (before: "
                    + old.name() + " on timeline " + oldTimeline + ")");
            if (timeline == oldTimeline) {
                // only the old primary, never promoted in between, can lead on the old timeline
                assertThat(primary.name()).as("the primary on the unchanged timeline").isEqualTo(old.name());
                assertThat(cluster.history()).as("history: no switch happened").isEmpty();
            } else {
                assertThat(timeline).isGreaterThan(oldTimeline);
                Failover.assertHistoryRecordsSwitch(cluster, timeline - 1, primary);
            }
        }
    }
}
