package io.regent.tests.bench;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Writer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The primary is cut off from etcd and both standbys by a network partition (its cluster link down;
 * each node runs in its own network namespace), while the writer keeps writing to it over the
 * management link, as a client on its side of the partition would. It must stop taking writes
 * before the majority promotes; the partition is healed once the other standby streams from the new
 * primary, and the old primary must come back as the new primary's standby by itself.
 */
final class PrimaryPartitionScenario implements BenchScenario {

    private static final Duration REJOIN_BOUND = Duration.ofSeconds(90);

    @Override
    public String name() {
        return "partition-primary";
    }

    @Override
    public String description() {
        return "the primary cut off from etcd and both standbys (network namespaces, its cluster link down), under a"
                + " writer that still reaches it; healed once the other standby streams from the new primary";
    }

    @Override
    public Map<Figure, String> goals() {
        Map<Figure, String> goals = new EnumMap<>(Figure.class);
        goals.put(Figure.STOPPED_BEFORE_PROMOTION, "> 0");
        goals.put(Figure.NEW_PRIMARY, "≤ ttl + 2 s");
        goals.put(Figure.SPLIT_BRAIN, "0");
        goals.put(Figure.STALE_WRITES, "0");
        goals.put(Figure.ACKED_WRITES_LOST, "only what the isolated primary took after the cut (asynchronous)");
        goals.put(Figure.HEAL_CONVERGED, "no operator action");
        goals.put(Figure.STANDBYS_NOT_FOLLOWING, "0");
        return goals;
    }

    @Override
    public boolean needsNetworkNamespaces() {
        return true;
    }

    @Override
    public RunFigures run(BenchContext context) throws Exception {
        return ClusterRun.isolatable(context, 3, cluster -> runOn(context, cluster));
    }

    private RunFigures runOn(BenchContext context, RegentCluster cluster) throws Exception {
        RunFigures figures = new RunFigures();
        AgentProcess old = Measurements.awaitSteady(cluster);
        List<AgentProcess> standbys = Measurements.othersThan(cluster, old);
        int oldTimeline = old.timeline();
        int oldPort = old.pgPort();

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Measurements.scaled(Duration.ofSeconds(30)));
            AgentProcess primary;
            long cut;
            long primaryUp;
            try (StreamWatch streams = StreamWatch.start(standbys,
                    (node, r) -> r.streaming() && r.senderPort() != oldPort && r.timeline() > oldTimeline);
                 PrimaryWatch primaries = PrimaryWatch.start(standbys)) {
                cut = System.nanoTime();
                cluster.isolate(old);
                try {
                    Optional<PrimaryWatch.Seen> seen = primaries.await(Measurements.scaled(context.ttl().plusSeconds(30)));
                    if (seen.isEmpty()) {
                        figures.note("new_primary", "no standby answered /primary within ttl + 30 s: " + cluster.describe());
                        return figures;
                    }
                    primary = seen.get().node();
                    primaryUp = seen.get().nanos();
                    figures.putBetween(Figure.NEW_PRIMARY, cut, primaryUp);
                    figures.note("new_primary_node", primary.name());
                    HostLossScenario.awaitAck(writer, cut, primary, figures)
                            .ifPresent(ack -> figures.putBetween(Figure.FIRST_WRITE, cut, ack.nanos()));
                    List<AgentProcess> bystander = Measurements.othersThan(cluster, old, primary);
                    Map<String, Long> streamed = streams.await(bystander, Measurements.scaled(Measurements.FOLLOW_BOUND));
                    long promoted = Measurements.promotion(streams, primary, primaryUp, cut, figures);
                    Measurements.following(streams, bystander, streamed, cut, promoted, figures);
                    margin(checker, old, primary, cut, figures);
                } finally {
                    cluster.heal(old);
                }
            }
            long healed = System.nanoTime();
            converged(cluster, primary, oldTimeline, healed, figures);

            writer.stop();
            figures.put(Figure.LONGEST_GAP, writer.longestGap());
            Measurements.acknowledgedWritesLost(writer, primary, figures);
            figures.note("acked_writes_lost_why", lossExplained(writer, primary, old, cut));
            Measurements.staleWrites(writer, primary, primaryUp, figures);
            Measurements.splitBrain(checker, figures);
        }
        return figures;
    }

    /** The split-brain checker's view: the isolated primary's last writable round, and the new one's first. */
    private static void margin(SplitBrainChecker checker, AgentProcess old, AgentProcess primary, long cut,
                               RunFigures figures) {
        OptionalLong oldLast = checker.lastWritableNanos(old);
        OptionalLong newFirst = checker.firstWritableNanos(primary);
        if (oldLast.isEmpty() || newFirst.isEmpty()) {
            figures.note("margin", "the checker saw " + (oldLast.isEmpty() ? old.name() : primary.name()) + " never writable");
            return;
        }
        figures.putBetween(Figure.CUT_TO_STOPPED, cut, oldLast.getAsLong());
        figures.putBetween(Figure.STOPPED_BEFORE_PROMOTION, oldLast.getAsLong(), newFirst.getAsLong());
    }

    /** Heal → the old primary and the other standby both stream from the new primary on its timeline. */
    private static void converged(RegentCluster cluster, AgentProcess primary, int oldTimeline, long healed,
                                  RunFigures figures) {
        List<AgentProcess> followers = Measurements.othersThan(cluster, primary);
        int port = primary.pgPort();
        try (StreamWatch streams = StreamWatch.start(followers,
                (node, r) -> r.streaming() && r.senderPort() == port && r.timeline() > oldTimeline)) {
            Map<String, Long> streamed = streams.await(followers, Measurements.scaled(REJOIN_BOUND));
            List<AgentProcess> missing = followers.stream().filter(f -> !streamed.containsKey(f.name())).toList();
            figures.put(Figure.STANDBYS_NOT_FOLLOWING, missing.size());
            if (missing.isEmpty()) {
                figures.putBetween(Figure.HEAL_CONVERGED, healed, Measurements.latest(streamed));
            } else {
                figures.note("heal_converged", missing.stream().map(f -> f.name() + " (last WAL receiver row "
                        + streams.lastSeen(f) + ")").collect(Collectors.joining("; ")) + " not streaming from "
                        + primary.name() + " within " + REJOIN_BOUND + " of the heal: " + cluster.describe());
            }
        }
    }

    /**
     * Asynchronous replication cannot keep what the isolated primary acknowledged after the cut: it
     * never reached the majority, and the rewind discards it. Anything else lost is a bug.
     */
    private static String lossExplained(Writer writer, AgentProcess primary, AgentProcess old, long cut) throws Exception {
        Set<Long> present = Writer.idsOn(primary);
        List<Writer.Ack> lost = writer.acknowledged().stream().filter(a -> !present.contains(a.id())).toList();
        long isolatedAfterCut = lost.stream().filter(a -> a.node().equals(old.name()) && a.nanos() > cut).count();
        return isolatedAfterCut + " acknowledged by the isolated primary after the cut (asynchronous replication: never"
                + " replicated, discarded by its rewind), " + (lost.size() - isolatedAfterCut) + " other";
    }
}
