package io.regent.tests.bench;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The primary's machine dies: its agent and its PostgreSQL are SIGKILLed together while the writer
 * commits a row every 20 ms. A standby must take over once the leader lease expires, and every other
 * standby follow it without a restart. With more standbys this is the scaling scenario (follow time
 * should not grow with their number: each standby follows by itself).
 */
class HostLossScenario implements BenchScenario {

    private final String name;
    private final int standbys;

    HostLossScenario(String name, int standbys) {
        this.name = name;
        this.standbys = standbys;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "host loss of the primary (SIGKILL of its agent and PostgreSQL) with " + standbys + " standbys, "
                + "under a writer committing every 20 ms";
    }

    @Override
    public Map<Figure, String> goals() {
        Map<Figure, String> goals = new EnumMap<>(Figure.class);
        goals.put(Figure.NEW_PRIMARY, "≤ ttl + 0.5 s");
        goals.put(Figure.FIRST_WRITE, "≤ ttl + 0.5 s");
        goals.put(Figure.FOLLOW_AFTER_PROMOTION, "≤ 1 s, flat in the number of standbys");
        goals.put(Figure.STANDBYS_RESTARTED, "0");
        goals.put(Figure.ACKED_WRITES_LOST, "0");
        goals.put(Figure.STALE_WRITES, "0");
        goals.put(Figure.SPLIT_BRAIN, "0");
        return goals;
    }

    @Override
    public RunFigures run(BenchContext context) throws Exception {
        return ClusterRun.with(context, standbys + 1, cluster -> runOn(context, cluster));
    }

    private RunFigures runOn(BenchContext context, RegentCluster cluster) throws Exception {
        RunFigures figures = new RunFigures();
        AgentProcess old = Measurements.awaitSteady(cluster);
        List<AgentProcess> standbyNodes = Measurements.othersThan(cluster, old);
        int oldTimeline = old.timeline();
        int oldPort = old.pgPort();
        Map<String, Instant> started = Measurements.postmasterStartTimes(standbyNodes);

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Measurements.scaled(Duration.ofSeconds(30)));
            try (StreamWatch streams = StreamWatch.start(standbyNodes,
                    (node, r) -> r.streaming() && r.senderPort() != oldPort && r.timeline() > oldTimeline);
                 PrimaryWatch primaries = PrimaryWatch.start(standbyNodes)) {
                long fault = System.nanoTime();
                old.kill();

                Optional<PrimaryWatch.Seen> seen = primaries.await(Measurements.scaled(context.ttl().plusSeconds(30)));
                if (seen.isEmpty()) {
                    figures.note("new_primary", "no standby answered /primary within ttl + 30 s: " + cluster.describe());
                    return figures;
                }
                AgentProcess primary = seen.get().node();
                long primaryUp = seen.get().nanos();
                figures.putBetween(Figure.NEW_PRIMARY, fault, primaryUp);
                figures.note("new_primary_node", primary.name());
                List<AgentProcess> followers = Measurements.othersThan(cluster, old, primary);

                Optional<Writer.Ack> first = awaitAck(writer, fault, primary, figures);
                first.ifPresent(ack -> figures.putBetween(Figure.FIRST_WRITE, fault, ack.nanos()));

                Map<String, Long> streamed = streams.await(followers, Measurements.scaled(Measurements.FOLLOW_BOUND));
                if (streamed.size() == followers.size()) {
                    long all = followers.isEmpty() ? primaryUp : Measurements.latest(streamed);
                    figures.putBetween(Figure.ALL_STREAMING, fault, all);
                    figures.put(Figure.FOLLOW_AFTER_PROMOTION, Math.max(0, (all - primaryUp) / 1_000_000.0));
                    figures.note("streaming_per_standby", streamed.entrySet().stream()
                            .map(e -> e.getKey() + " " + (e.getValue() - fault) / 1_000_000 + " ms")
                            .collect(Collectors.joining(", ")));
                    List<String> elsewhere = followers.stream().filter(f -> streams.lastSeen(f).senderPort() != primary.pgPort())
                            .map(AgentProcess::name).toList();
                    if (!elsewhere.isEmpty()) {
                        figures.note("streaming_from_other", elsewhere + " stream from another node than " + primary.name());
                    }
                } else {
                    figures.note("all_streaming", "not every standby streamed from " + primary.name() + " within "
                            + Measurements.FOLLOW_BOUND + ": " + followers.stream().filter(f -> !streamed.containsKey(f.name()))
                            .map(f -> f.name() + " last " + streams.lastSeen(f)).collect(Collectors.joining("; ")));
                }
                first.ifPresent(ack -> awaitAck(writer, ack.nanos(), primary, figures));

                afterFailover(context, cluster, old, primary, figures);

                writer.stop();
                figures.put(Figure.LONGEST_GAP, writer.longestGap());
                Measurements.standbysRestarted(followers, started, figures);
                Measurements.acknowledgedWritesLost(writer, primary, figures);
                Measurements.staleWrites(writer, primary, primaryUp, figures);
                Measurements.splitBrain(checker, figures);
            }
        }
        return figures;
    }

    /** What a subclass measures once the new primary is up and followed, with the writer still running. */
    void afterFailover(BenchContext context, RegentCluster cluster, AgentProcess old, AgentProcess primary,
                       RunFigures figures) throws Exception {
    }

    static Optional<Writer.Ack> awaitAck(Writer writer, long after, AgentProcess primary, RunFigures figures) {
        try {
            return Optional.of(writer.awaitAckAfter(after, primary, Duration.ofSeconds(15)));
        } catch (AssertionError e) {
            figures.note("first_write", e.getMessage());
            return Optional.empty();
        }
    }
}
