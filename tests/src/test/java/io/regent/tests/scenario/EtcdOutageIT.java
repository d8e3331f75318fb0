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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster against a three-member etcd, agents given all three endpoints. Losing one etcd member
 * (killed, or hanging with its connections open) changes nothing: no demotion, no failover, writes go on.
 * Losing two (quorum) makes the leader stop taking writes before its lease could have expired, no standby
 * promotes, and the cluster converges by itself once etcd has quorum again.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class EtcdOutageIT {

    private static final String ONE_MEMBER = "etcd member loss";
    private static final String QUORUM = "etcd quorum loss";
    /** How long each single-member fault lasts: past the lease ttl, so a blocked renewal would have shown. */
    private static final Duration FAULT = TTL.plusSeconds(2);

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().withNodes(3).build();

    @RegisterExtension
    @Order(2)
    final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    @Test
    void losingAnyOneEtcdMemberChangesNothingAndItsReturnChangesNothingEither() throws Exception {
        AgentProcess primary = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, primary);
        int timeline = primary.timeline();
        Map<String, java.time.Instant> started = Failover.postmasterStartTimes(cluster.nodes());

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            // each member in turn: whichever one the leader's watch and lease calls were on is lost once
            for (int member = 0; member < etcd.size(); member++) {
                int victim = member;
                long lost = System.nanoTime();
                etcd.killMember(victim);
                try {
                    Failover.assertHoldsFor(primary.name() + " leads and takes writes with etcd member " + victim + " killed",
                            FAULT, () -> primary.httpStatus("/primary") == 200 && primary.isWritable());
                    assertListedAsPrimary(primary, "etcd member " + victim + " killed");
                } finally {
                    etcd.startMember(victim);
                }
                writer.awaitAckAfter(lost + FAULT.toNanos(), primary, Duration.ofSeconds(10));
                etcd.awaitHealthy(Duration.ofSeconds(30));
            }
            // a follower: etcd 3.4.23 (Debian's) has etcd-io/etcd#15247, a raft leader hung for longer than the ttl
            // revokes every lease when it resumes, before it learns it was deposed (fixed upstream by #16822, in 3.4 by #17465)
            int hung = (etcd.raftLeader() + 1) % etcd.size();
            etcd.pauseMember(hung);
            try {
                Failover.assertHoldsFor(primary.name() + " leads and takes writes with etcd member " + hung + " hanging", FAULT,
                        () -> primary.httpStatus("/primary") == 200 && primary.isWritable());
                assertListedAsPrimary(primary, "etcd member " + hung + " hanging");
            } finally {
                etcd.resumeMember(hung);
            }
            long resumed = System.nanoTime();
            etcd.awaitHealthy(Duration.ofSeconds(30));
            writer.awaitAckAfter(resumed, primary, Duration.ofSeconds(10));
            measured(ONE_MEMBER, "longest gap between acknowledged writes over 3 kills and 1 hang", writer.longestGap());
            writer.stop();

            assertThat(Failover.assertConverged(cluster, primary, standbys, Duration.ofSeconds(10))).isEqualTo(timeline);
            assertThat(cluster.history()).as("history: no failover happened").isEmpty();
            Failover.assertNotRestarted(cluster.nodes(), started);
            Failover.assertNoAcknowledgedWriteLost(writer, primary);
            Failover.assertNoSplitBrain(checker, primary);
        }
    }

    @Test
    void losingQuorumStopsWritesBeforeTheLeaseCouldExpireAndTheClusterConvergesWhenEtcdReturns() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);
        int oldTimeline = old.timeline();

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            Failover.Mark mark = Failover.markReplicated(writer, old, standbys);

            long lost = System.nanoTime();
            etcd.killMember(1);
            etcd.killMember(2);
            try {
                Duration notWritable = awaitNotWritable(old, lost);
                measured(QUORUM, "quorum lost -> old primary stops taking writes", notWritable);
                assertThat(notWritable).as(old.name() + " stopped taking writes, after quorum was lost").isLessThan(TTL);
                writer.acknowledged().stream().filter(a -> a.node().equals(old.name())).reduce((a, b) -> b)
                        .ifPresent(last -> assertThat(Duration.ofNanos(last.nanos() - lost))
                                .as("the last write the old primary acknowledged, after quorum was lost").isLessThan(TTL));
                // stay without quorum until every lease has certainly run out: nobody may take writes meanwhile
                Failover.assertHoldsFor("no node takes writes without etcd quorum", remaining(lost, TTL.plusSeconds(5)),
                        () -> cluster.nodes().stream().noneMatch(AgentProcess::isWritable));
            } finally {
                etcd.startMember(1);
                etcd.startMember(2);
            }
            long back = System.nanoTime();
            etcd.awaitHealthy(Duration.ofSeconds(30));

            AgentProcess primary = cluster.awaitPrimary(Duration.ofSeconds(60));
            measured(QUORUM, "quorum back -> a primary answers /primary", since(back));
            List<AgentProcess> followers = Failover.othersThan(cluster, primary);
            Failover.awaitEachStreaming(primary, followers, back, Duration.ofSeconds(60))
                    .forEach((name, d) -> measured(QUORUM, "quorum back -> " + name + " streaming", d));
            Writer.Ack firstAfter = writer.awaitAckAfter(back, primary, Duration.ofSeconds(30));
            measured(QUORUM, "quorum back -> first acknowledged write", Duration.ofNanos(firstAfter.nanos() - back));
            writer.stop();

            int timeline = Failover.assertConverged(cluster, primary, followers, Duration.ofSeconds(10));
            Failover.assertNoSplitBrain(checker, primary);
            System.out.println("after the outage: " + primary.name() + " leads on timeline " + timeline + " (before: "
                    + old.name() + " on timeline " + oldTimeline + ")");
            if (timeline == oldTimeline) {
                assertThat(primary.name()).as("the primary on the unchanged timeline").isEqualTo(old.name());
                Failover.assertNoAcknowledgedWriteLost(writer, primary);
            } else {
                Failover.assertHistoryRecordsSwitch(cluster, timeline - 1, primary);
                if (primary == old) {
                    // the old leader kept its key and promoted its own data again: it has every write it acknowledged
                    Failover.assertNoAcknowledgedWriteLost(writer, primary);
                } else {
                    Failover.assertNoReplicatedWriteLost(writer, mark, primary);
                }
            }
        }
    }

    /** regentctl, given every endpoint, reads the cluster from the members left and shows the primary leading. */
    private void assertListedAsPrimary(AgentProcess primary, String fault) throws Exception {
        String listed = Regentctl.run(Regentctl.against(etcd, cluster, "list"));
        assertThat(listed.lines().anyMatch(line -> line.matches(".*\\|\\s*" + primary.name() + "\\s*\\|\\s*primary\\s*\\|.*")))
                .as("regentctl list with " + fault + ":\n" + listed).isTrue();
    }

    /** Polls until {@code node} stops taking writes; fails after the ttl, which is the safety bound itself. */
    static Duration awaitNotWritable(AgentProcess node, long since) {
        while (since(since).compareTo(TTL) < 0) {
            if (!node.isWritable()) {
                return since(since);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        throw new AssertionError(node.name() + " took writes for the whole ttl (" + TTL + ") without etcd");
    }

    static Duration remaining(long since, Duration total) {
        Duration left = total.minus(since(since));
        return left.isNegative() ? Duration.ZERO : left;
    }
}
