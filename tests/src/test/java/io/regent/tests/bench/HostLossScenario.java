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
        goals.put(Figure.STANDBYS_NOT_FOLLOWING, "0");
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
        beforeWriting(cluster, old, figures);

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Measurements.scaled(Duration.ofSeconds(30)));
            beforeFault(context, cluster, old, writer, figures);
            long steady = System.nanoTime();
            List<AgentProcess> standbyNodes = Measurements.othersThan(cluster, old);
            int oldTimeline = old.timeline();
            int oldPort = old.pgPort();
            Map<String, Instant> started = Measurements.postmasterStartTimes(standbyNodes);
            try (StreamWatch streams = StreamWatch.start(standbyNodes,
                    (node, r) -> r.streaming() && r.senderPort() != oldPort && r.timeline() > oldTimeline);
                 PrimaryWatch primaries = PrimaryWatch.start(standbyNodes);
                 LeaderKeyWatch leaderKey = LeaderKeyWatch.start(cluster, old)) {
                List<ProcessHandle> host = hostProcesses(old);
                long fault = System.nanoTime();
                host.forEach(ProcessHandle::destroyForcibly);
                long lastSignal = System.nanoTime();
                old.kill(); // waits until everything is gone, and kills what the list missed
                figures.note("fault_injection", "SIGKILL of the agent, the postmaster and its " + (host.size() - 2)
                        + " children within " + (lastSignal - fault) / 1_000 + " µs");

                Optional<PrimaryWatch.Seen> seen = primaries.await(Measurements.scaled(context.ttl().plusSeconds(30)));
                if (seen.isEmpty()) {
                    figures.note("new_primary", "no standby answered /primary within ttl + 30 s: " + cluster.describe());
                    return figures;
                }
                AgentProcess primary = seen.get().node();
                long primaryUp = seen.get().nanos();
                figures.putBetween(Figure.NEW_PRIMARY, fault, primaryUp);
                leaderKey.goneAt().ifPresent(gone -> figures.putBetween(Figure.LEADER_KEY_GONE, fault, gone));
                figures.note("new_primary_node", primary.name());
                List<AgentProcess> followers = Measurements.othersThan(cluster, old, primary);

                Optional<Writer.Ack> first = awaitAck(writer, fault, primary, figures);
                first.ifPresent(ack -> figures.putBetween(Figure.FIRST_WRITE, fault, ack.nanos()));

                Map<String, Long> streamed = streams.await(followers, Measurements.scaled(Measurements.FOLLOW_BOUND));
                long promoted = Measurements.promotion(streams, primary, primaryUp, fault, figures);
                Measurements.following(streams, followers, streamed, fault, promoted, figures);
                first.ifPresent(ack -> awaitAck(writer, ack.nanos(), primary, figures));

                afterFailover(context, cluster, old, primary, figures);

                writer.stop();
                figures.put(Figure.LONGEST_GAP, Measurements.longestGapSince(writer, steady));
                Measurements.standbysRestarted(followers, started, figures);
                Measurements.acknowledgedWritesLost(writer, primary, figures);
                Measurements.staleWrites(writer, primary, promoted, figures);
                Measurements.splitBrain(checker, figures);
            }
        }
        return figures;
    }

    /** What a subclass sets up on the steady cluster before the writer starts. */
    void beforeWriting(RegentCluster cluster, AgentProcess primary, RunFigures figures) throws Exception {
    }

    /**
     * What a subclass does to the steady cluster with the writer and the split-brain checker running, before
     * the primary's host is lost; every node must be up and streaming again when it returns.
     */
    void beforeFault(BenchContext context, RegentCluster cluster, AgentProcess primary, Writer writer, RunFigures figures)
            throws Exception {
    }

    /** What a subclass measures once the new primary is up and followed, with the writer still running. */
    void afterFailover(BenchContext context, RegentCluster cluster, AgentProcess old, AgentProcess primary,
                       RunFigures figures) throws Exception {
    }

    /**
     * The agent JVM, the postmaster and every process it forked, resolved before the fault so the
     * SIGKILLs go out together: {@link AgentProcess#kill()} alone waits for the agent to be gone before
     * it looks for the postmaster, which let PostgreSQL take writes for a second or more after the
     * agent died on a loaded machine.
     */
    static List<ProcessHandle> hostProcesses(AgentProcess node) {
        List<ProcessHandle> all = new java.util.ArrayList<>();
        ProcessHandle.of(node.pid()).ifPresent(all::add);
        ProcessHandle postmaster = node.postmaster()
                .orElseThrow(() -> new IllegalStateException(node.name() + ": no postmaster runs"));
        all.add(postmaster);
        postmaster.children().forEach(all::add);
        return all;
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
