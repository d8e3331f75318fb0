package io.regent.tests.scenario;

import static io.regent.tests.scenario.Failover.TTL;
import static io.regent.tests.scenario.Failover.measured;
import static io.regent.tests.scenario.Failover.since;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.model.LeaderLock;
import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.NetNs;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Network partitions: each node (agent and PostgreSQL) runs in its own network namespace and is cut
 * off from etcd and its peers by taking its cluster link down, while the test keeps reaching every
 * node over a management link the partition leaves alone ({@link NetNs}). So the writer keeps
 * writing to a cut-off primary as a client on its side of the partition would, and the split-brain
 * checker keeps asking it whether it takes writes.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class PartitionIT {

    @RegisterExtension
    @Order(0)
    static final NetNs networks = NetNs.create();

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().alsoListenOn(networks::hostAddress).build();

    /** A fresh cluster per test. */
    @RegisterExtension
    @Order(2)
    final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).networkNamespaces(networks).build();

    @Test
    void anIsolatedPrimaryStopsTakingWritesBeforeTheMajorityPromotesAndRejoinsAsItsStandbyOnceHealed() throws Exception {
        String scenario = "primary isolated";
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);
        int oldTimeline = old.timeline();

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            Failover.Mark mark = Failover.markReplicated(writer, old, standbys);

            long cut = System.nanoTime();
            cluster.isolate(old);
            AgentProcess primary;
            try {
                primary = Failover.awaitNewPrimary(cluster, old, TTL.plusSeconds(30));
                measured(scenario, "cut -> new primary answers /primary", since(cut));
                assertThat(standbys).as("the new primary is on the majority side").contains(primary);
                writer.awaitAckAfter(cut, primary, Duration.ofSeconds(20));
                AgentProcess bystander = Failover.othersThan(cluster, old, primary).get(0);
                Failover.awaitEachStreaming(primary, List.of(bystander), cut, Duration.ofSeconds(30))
                        .forEach((name, d) -> measured(scenario, "cut -> " + name + " streaming from the new primary", d));
                assertThat(old.isWritable()).as(old.name() + ", still cut off, takes writes").isFalse();

                long oldLast = checker.lastWritableNanos(old).orElseThrow();
                long newFirst = checker.firstWritableNanos(primary).orElseThrow();
                measured(scenario, "cut -> last round the old primary took writes", Duration.ofNanos(oldLast - cut));
                measured(scenario, "old primary's last writable round -> new primary's first (margin)",
                        Duration.ofNanos(newFirst - oldLast));
                assertThat(newFirst).as("the new primary first took writes after the old one's last round").isGreaterThan(oldLast);
                Writer.Ack lastOnOld = lastAckBy(writer, old).orElseThrow();
                Writer.Ack firstOnNew = writer.firstAckAfter(cut, primary).orElseThrow();
                measured(scenario, "old primary's last acknowledged write -> new primary's first (margin)",
                        Duration.ofNanos(firstOnNew.nanos() - lastOnOld.nanos()));
                assertThat(Duration.ofNanos(lastOnOld.nanos() - cut)).as("the old primary's last acknowledged write, after the cut")
                        .isLessThan(TTL);
            } finally {
                cluster.heal(old);
            }
            long healed = System.nanoTime();

            Failover.await(old.name() + " streams from " + primary.name(), Duration.ofSeconds(90),
                    () -> Failover.allStreaming(primary, List.of(old)));
            measured(scenario, "heal -> old primary streaming from the new primary", since(healed));
            writer.awaitAckAfter(healed, primary, Duration.ofSeconds(10));
            writer.stop();

            List<AgentProcess> followers = Failover.othersThan(cluster, primary);
            int timeline = Failover.assertConverged(cluster, primary, followers, Duration.ofSeconds(30));
            measured(scenario, "heal -> converged", since(healed));
            assertThat(timeline).as("the new primary's timeline").isGreaterThan(oldTimeline);
            Failover.assertHistoryRecordsSwitch(cluster, oldTimeline, primary);
            Failover.assertNoReplicatedWriteLost(writer, mark, primary);
            List<Writer.Ack> lost = missingOn(writer, primary);
            System.out.println("REPORT writes acknowledged by the isolated " + old.name() + " after the cut and discarded: "
                    + lost.size());
            assertThat(lost).as("acknowledged writes missing on " + primary.name() + " other than those the isolated old"
                    + " primary acknowledged after the cut (asynchronous replication cannot keep those)")
                    .allSatisfy(ack -> {
                        assertThat(ack.node()).isEqualTo(old.name());
                        assertThat(ack.nanos()).isGreaterThan(cut);
                    });
            String oldLog = old.logTail(2000);
            System.out.println("REPORT " + old.name() + "'s agent from the cut on:\n" + agentLines(oldLog, old));
            if (!lost.isEmpty()) {
                assertThat(oldLog).as(old.name() + " discarded its diverged WAL by pg_rewind").contains("rewound");
            }
            Failover.assertNoSplitBrain(checker, primary);
        }
    }

    @Test
    void anIsolatedStandbyCausesNoFailoverAndCatchesUpOnceHealed() throws Exception {
        String scenario = "standby isolated";
        AgentProcess primary = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, primary);
        AgentProcess isolated = standbys.get(0);
        AgentProcess bystander = standbys.get(1);
        int timeline = primary.timeline();
        Map<String, Instant> started = Failover.postmasterStartTimes(List.of(primary, bystander));

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);

            String receiverBefore = isolated.queryValue("SELECT pid FROM pg_stat_wal_receiver");
            long cut = System.nanoTime();
            cluster.isolate(isolated);
            try {
                // twice the ttl: the isolated member's lease expires meanwhile; a wrong failover would have happened
                watchLeadership(primary, TTL.multipliedBy(2));
                writer.awaitAckAfter(System.nanoTime() - Duration.ofSeconds(1).toNanos(), primary, Duration.ofSeconds(5));
                Duration longestGap = longestGapAfter(writer, cut);
                measured(scenario, "longest gap between acknowledged writes while the standby is cut off", longestGap);
                assertThat(longestGap).as("longest gap between acknowledged writes while the standby is cut off")
                        .isLessThan(TTL);
                assertThat(primary.timeline()).as("the primary's timeline while the standby is cut off").isEqualTo(timeline);
                assertThat(isolated.isWritable()).as(isolated.name() + ", cut off, takes writes").isFalse();
                assertThat(Failover.allStreaming(primary, List.of(bystander))).as(bystander.name() + " streams on").isTrue();
            } finally {
                cluster.heal(isolated);
            }
            long healed = System.nanoTime();
            String target = primary.queryValue("SELECT pg_current_wal_flush_lsn()");
            Failover.await(isolated.name() + " streams from " + primary.name() + " and has received " + target,
                    Duration.ofSeconds(60), () -> Failover.allStreaming(primary, List.of(isolated))
                            && "t".equals(Failover.valueOrNull(isolated,
                            "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '" + target + "') >= 0")));
            measured(scenario, "heal -> isolated standby streaming and caught up", since(healed));
            System.out.println("REPORT " + isolated.name() + "'s WAL receiver: pid " + receiverBefore + " before the cut, "
                    + isolated.queryValue("SELECT pid FROM pg_stat_wal_receiver") + " after the heal");
            writer.awaitAckAfter(healed, primary, Duration.ofSeconds(10));
            writer.stop();

            assertThat(Failover.assertConverged(cluster, primary, standbys, Duration.ofSeconds(30)))
                    .as("the timeline after healing").isEqualTo(timeline);
            measured(scenario, "heal -> converged", since(healed));
            assertThat(cluster.history()).as("history: no failover happened").isEmpty();
            Failover.assertNotRestarted(List.of(primary, bystander), started);
            Failover.assertNoAcknowledgedWriteLost(writer, primary);
            assertThat(writer.acknowledged()).as("every acknowledged write was taken by " + primary.name())
                    .allSatisfy(ack -> assertThat(ack.node()).isEqualTo(primary.name()));
            Failover.assertNoSplitBrain(checker, primary);
            System.out.println("cut for " + Duration.ofNanos(healed - cut).toMillis() + " ms");
        }
    }

    /**
     * For {@code period}, every 250 ms: the leader key names {@code primary}, and its agent never
     * answers anything but 200 on {@code /primary}. A poll nobody answered in time (a loaded machine)
     * is counted and reported, not taken for a change of leadership.
     */
    private void watchLeadership(AgentProcess primary, Duration period) {
        long end = System.nanoTime() + period.toNanos();
        int polls = 0;
        int unanswered = 0;
        while (System.nanoTime() - end < 0) {
            polls++;
            Optional<String> leader;
            try {
                leader = cluster.clusterView().leader().map(LeaderLock::name);
            } catch (RuntimeException e) {
                leader = null;
                unanswered++;
            }
            if (leader != null) {
                assertThat(leader).as("the leader key while a standby is cut off").contains(primary.name());
            }
            int status = primary.httpStatus("/primary");
            if (status == AgentProcess.UNREACHABLE) {
                unanswered++;
            } else {
                assertThat(status).as(primary.name() + "'s answer on /primary while a standby is cut off").isEqualTo(200);
            }
            LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
        }
        System.out.println("REPORT leadership watched in " + polls + " polls, " + unanswered + " questions unanswered in time");
    }

    /** The longest time between consecutive acknowledgements from {@code nanos} on. */
    private static Duration longestGapAfter(Writer writer, long nanos) {
        long previous = nanos;
        long longest = 0;
        for (Writer.Ack ack : writer.acknowledged()) {
            if (ack.nanos() > nanos) {
                longest = Math.max(longest, ack.nanos() - previous);
                previous = ack.nanos();
            }
        }
        return Duration.ofNanos(Math.max(longest, System.nanoTime() - previous));
    }

    /** The agent's own log lines (not PostgreSQL's, not stack traces), from its first etcd failure on. */
    private static String agentLines(String log, AgentProcess node) {
        List<String> lines = log.lines().filter(l -> l.contains("[" + node.name() + "]")).toList();
        int from = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("etcd unreachable") || lines.get(i).contains("etcd is unreachable")) {
                from = i;
                break;
            }
        }
        return String.join("\n", lines.subList(from, lines.size()));
    }

    private static Optional<Writer.Ack> lastAckBy(Writer writer, AgentProcess node) {
        return writer.acknowledged().stream().filter(a -> a.node().equals(node.name())).reduce((a, b) -> b);
    }

    private static List<Writer.Ack> missingOn(Writer writer, AgentProcess primary) throws Exception {
        Set<Long> present = Writer.idsOn(primary);
        return writer.acknowledged().stream().filter(a -> !present.contains(a.id())).toList();
    }
}
