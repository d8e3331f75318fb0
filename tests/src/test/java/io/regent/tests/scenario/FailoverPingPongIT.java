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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Five host losses in a row under a continuous writer, each old primary brought back (its agent
 * started again on its data directory) before the next loss. Nobody logs in: at the end the cluster
 * must have healed completely — three members, one primary on timeline 6, every standby streaming
 * from it, five switches in {@code history}, no inactive replication slot retaining anything on any
 * node, no replicated acknowledged write missing anywhere, and never two writable primaries.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class FailoverPingPongIT {

    private static final String SCENARIO = "failover ping-pong";
    private static final int FAILOVERS = 5;
    private static final Duration REJOIN = Duration.ofSeconds(90);

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    /**
     * One host loss: every insert acknowledged up to {@code mark} had reached every standby; inserts the
     * dead primary acknowledged after it, before the new primary answered, may be lost (asynchronous
     * replication).
     */
    private record Round(AgentProcess old, Failover.Mark mark, long newPrimaryAt) {

        boolean mayHaveLost(Writer.Ack ack) {
            return ack.id() > mark.lastId() && ack.node().equals(old.name()) && ack.nanos() < newPrimaryAt;
        }
    }

    @Test
    void fiveHostLossesInARowEachOldPrimaryRejoiningLeaveAHealthyClusterWithNothingLostAndNoStaleSlot() throws Exception {
        AgentProcess primary = Failover.awaitSteadyCluster(cluster);
        int firstTimeline = primary.timeline();
        List<Round> rounds = new ArrayList<>();

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster);
             Writer writer = Writer.create(cluster, Duration.ofMinutes(11)).start()) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            for (int failover = 1; failover <= FAILOVERS; failover++) {
                AgentProcess old = primary;
                List<AgentProcess> standbys = Failover.othersThan(cluster, old);
                writer.awaitAckAfter(System.nanoTime(), old, Duration.ofSeconds(15));
                Failover.Mark mark = Failover.markReplicated(writer, old, standbys);

                long killed = System.nanoTime();
                old.kill();
                primary = Failover.awaitNewPrimary(cluster, old, TTL.plusSeconds(15));
                rounds.add(new Round(old, mark, System.nanoTime()));
                measured(SCENARIO, "failover " + failover + ": kill -> new primary answers /primary", since(killed));
                assertThat(primary.timeline()).as("timeline after failover " + failover).isEqualTo(firstTimeline + failover);
                writer.awaitAckAfter(killed, primary, Duration.ofSeconds(15));

                long restarted = System.nanoTime();
                old.start();
                AgentProcess leader = primary;
                Failover.await(old.name() + " streams from " + leader.name() + " after failover " + failover, REJOIN,
                        () -> Failover.allStreaming(leader, List.of(old)));
                measured(SCENARIO, "failover " + failover + ": agent start -> old primary " + old.name() + " streaming",
                        since(restarted));
                Failover.assertConverged(cluster, primary, Failover.othersThan(cluster, primary), Duration.ofSeconds(30));
            }
            writer.stop();
            measured(SCENARIO, "longest gap between acknowledged writes", writer.longestGap());

            List<AgentProcess> standbys = Failover.othersThan(cluster, primary);
            int timeline = Failover.assertConverged(cluster, primary, standbys, Duration.ofSeconds(30));
            assertThat(timeline).as("the leader's timeline after " + FAILOVERS + " failovers").isEqualTo(firstTimeline + FAILOVERS);
            assertFiveSwitchesInHistory(firstTimeline);
            assertNoInactiveSlotAnywhere(primary);
            assertNoAcknowledgedWriteMissingAnywhere(writer, rounds, primary, standbys);
            Failover.assertNoSplitBrain(checker, primary);
            assertEveryRejoinWasARewind();
        }
    }

    private static void assertFiveSwitchesInHistory(int firstTimeline) {
        List<RegentCluster.HistoryLine> history = cluster.history();
        System.out.println("history of " + cluster.scope() + ": " + history);
        List<Integer> ended = Stream.iterate(firstTimeline, t -> t + 1).limit(FAILOVERS).toList();
        assertThat(history).as("history entries, one per switch").extracting(RegentCluster.HistoryLine::timeline)
                .containsExactlyElementsOf(ended);
        for (int i = 1; i < history.size(); i++) {
            assertThat(history.get(i).switchLsn()).as("switch positions grow").isGreaterThan(history.get(i - 1).switchLsn());
        }
        assertThat(history).allSatisfy(line -> assertThat(line.newLeader()).isIn(
                cluster.nodes().stream().map(AgentProcess::name).toList()));
    }

    /**
     * Every slot on every node is in use: the leader's by its streaming standbys; a standby keeps none
     * (an old primary's slots, rewound with its data directory, would hold WAL back for nobody).
     */
    private static void assertNoInactiveSlotAnywhere(AgentProcess primary) {
        for (AgentProcess node : cluster.nodes()) {
            Failover.await("no inactive replication slot on " + node.name(), Duration.ofSeconds(30),
                    () -> "".equals(Failover.valueOrNull(node, "SELECT coalesce(string_agg(slot_name || ' restart_lsn='"
                            + " || coalesce(restart_lsn::text, 'none'), ', '), '') FROM pg_replication_slots WHERE NOT active")));
        }
        List<String> expected = Failover.othersThan(cluster, primary).stream().map(AgentProcess::name).sorted().toList();
        assertThat(Failover.valueOrNull(primary, "SELECT string_agg(slot_name, ',' ORDER BY slot_name) FROM pg_replication_slots"))
                .as("the leader's slots: one per standby").isEqualTo(String.join(",", expected));
    }

    /**
     * Once every node has replayed the leader's last position, every acknowledged insert is on every
     * node, except those a dead primary acknowledged after its round's replicated mark (reported).
     */
    private static void assertNoAcknowledgedWriteMissingAnywhere(Writer writer, List<Round> rounds, AgentProcess primary,
                                                                 List<AgentProcess> standbys) throws SQLException {
        Failover.awaitEqualPositions(primary, standbys);
        List<Writer.Ack> acks = writer.acknowledged();
        List<Writer.Ack> mayBeLost = acks.stream().filter(a -> rounds.stream().anyMatch(r -> r.mayHaveLost(a))).toList();
        for (AgentProcess node : cluster.nodes()) {
            Set<Long> present = Writer.idsOn(node);
            List<Long> lost = acks.stream().filter(a -> !mayBeLost.contains(a)).map(Writer.Ack::id)
                    .filter(id -> !present.contains(id)).toList();
            long lostInFlight = mayBeLost.stream().filter(a -> !present.contains(a.id())).count();
            System.out.printf("REPORT %s: %d rows, %d acknowledged, %d acknowledged by a dying primary after its mark"
                    + " (%d of them missing)%n", node.name(), present.size(), acks.size(), mayBeLost.size(), lostInFlight);
            assertThat(lost).as("acknowledged inserts missing on " + node.name()).isEmpty();
        }
    }

    /** The old primaries came back by pg_rewind (their WAL diverged) or by following: none was cloned afresh. */
    private static void assertEveryRejoinWasARewind() throws IOException {
        int rewinds = 0;
        for (AgentProcess node : cluster.nodes()) {
            rewinds += (int) node.logTail(100_000).lines().filter(line -> line.contains("rewound ")).count();
            Path data = node.dataDir();
            try (Stream<Path> siblings = Files.list(data.getParent())) {
                assertThat(siblings.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(data.getFileName() + ".diverged-")
                        || n.startsWith(data.getFileName() + ".reinit-")).toList())
                        .as(node.name() + ": data directories moved aside (a rewind failed and it was cloned afresh)").isEmpty();
            }
        }
        System.out.println("REPORT rewinds over " + FAILOVERS + " rejoins: " + rewinds);
    }
}
