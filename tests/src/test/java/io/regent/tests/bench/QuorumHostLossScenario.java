package io.regent.tests.bench;

import io.regent.common.model.Member;
import io.regent.common.model.SyncState;
import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Writer;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code synchronous_mode: quorum} with {@code ANY 1} of 3 standbys: the hosts of the primary and of one
 * standby are lost together under the writer. A commit may be on one standby only, so a candidate needs
 * n − k + 1 = 3 of the named standbys heard from (Election.synchronousRefusal): with 2 left nobody may be
 * promoted, however long it lasts (held for 2 × ttl here). The lost standby is then started again, as an
 * operator would, and the best of the three is promoted; it must hold every acknowledged write.
 */
final class QuorumHostLossScenario implements BenchScenario {

    private static final int STANDBYS = 3;

    @Override
    public String name() {
        return "quorum-host-loss";
    }

    @Override
    public String description() {
        return "synchronous_mode quorum, ANY 1 of 3 standbys: host loss of the primary and one standby together under a"
                + " writer committing every 20 ms; no promotion for 2 x ttl with 2 of 3 left, then the lost standby restarted";
    }

    @Override
    public Map<Figure, String> goals() {
        Map<Figure, String> goals = new EnumMap<>(Figure.class);
        goals.put(Figure.PROMOTED_WITHOUT_QUORUM, "0");
        goals.put(Figure.HEARD_TO_PRIMARY, "≤ loop_wait + 1 s");
        goals.put(Figure.FOLLOW_AFTER_PROMOTION, "≤ 1 s");
        goals.put(Figure.STANDBYS_NOT_FOLLOWING, "0");
        goals.put(Figure.STANDBYS_RESTARTED, "0");
        goals.put(Figure.ACKED_WRITES_LOST, "0 (on the promoted member)");
        goals.put(Figure.STALE_WRITES, "0");
        goals.put(Figure.SPLIT_BRAIN, "0");
        return goals;
    }

    @Override
    public RunFigures run(BenchContext context) throws Exception {
        return ClusterRun.with(context, STANDBYS + 1, cluster -> runOn(context, cluster));
    }

    private RunFigures runOn(BenchContext context, RegentCluster cluster) throws Exception {
        RunFigures figures = new RunFigures();
        AgentProcess old = Measurements.awaitSteady(cluster);
        SyncState sync = SynchronousConfig.apply(cluster, old, config -> {
            config.put("synchronous_mode", "quorum");
            config.put("synchronous_node_count", 1);
        }, STANDBYS);
        figures.note("sync", "ANY " + sync.quorum() + " of " + sync.standbysByName());
        List<AgentProcess> standbys = Measurements.othersThan(cluster, old);
        AgentProcess lost = standbys.get(STANDBYS - 1);
        List<AgentProcess> survivors = Measurements.othersThan(cluster, old, lost);
        int oldTimeline = old.timeline();
        int oldPort = old.pgPort();
        Map<String, Instant> started = Measurements.postmasterStartTimes(survivors);

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Measurements.scaled(Duration.ofSeconds(30)));
            try (StreamWatch streams = StreamWatch.start(standbys,
                    (node, r) -> r.streaming() && r.senderPort() != oldPort && r.timeline() > oldTimeline);
                 PrimaryWatch primaries = PrimaryWatch.start(standbys);
                 LeaderKeyWatch leaderKey = LeaderKeyWatch.start(cluster, old)) {
                List<ProcessHandle> hosts = new ArrayList<>(HostLossScenario.hostProcesses(old));
                hosts.addAll(HostLossScenario.hostProcesses(lost));
                long fault = System.nanoTime();
                hosts.forEach(ProcessHandle::destroyForcibly);
                long lastSignal = System.nanoTime();
                old.kill();
                lost.kill();
                figures.note("fault_injection", "SIGKILL of " + old.name() + " and " + lost.name() + " (agents, postmasters,"
                        + " backends: " + hosts.size() + " processes) within " + (lastSignal - fault) / 1_000 + " µs");

                Duration hold = Measurements.scaled(context.ttl().multipliedBy(2));
                Optional<PrimaryWatch.Seen> early = primaries.await(hold);
                leaderKey.goneAt().ifPresent(gone -> figures.putBetween(Figure.LEADER_KEY_GONE, fault, gone));
                figures.put(Figure.PROMOTED_WITHOUT_QUORUM, early.isPresent() ? 1 : 0);
                if (early.isPresent()) {
                    figures.note("promoted_without_quorum", early.get().node().name() + " answered /primary "
                            + (early.get().nanos() - fault) / 1_000_000 + " ms after the fault, with 2 of 3 quorum members left");
                } else {
                    figures.note("hold", "nobody promoted for " + hold.toSeconds() + " s with " + names(survivors) + " left; "
                            + "leader key " + (leaderKey.goneAt().isPresent() ? "gone" : "still there") + "; refusal logged by "
                            + names(survivors.stream().filter(QuorumHostLossScenario::loggedRefusal).toList()));
                }

                long lostRevision = memberRevision(cluster, lost);
                long restarted = System.nanoTime();
                lost.start();
                long heard = 0;
                Optional<PrimaryWatch.Seen> seen = early;
                long deadline = restarted + Measurements.scaled(context.ttl().plusSeconds(60)).toNanos();
                while (seen.isEmpty() && System.nanoTime() - deadline < 0) {
                    if (heard == 0 && memberRevision(cluster, lost) > lostRevision) {
                        heard = System.nanoTime();
                    }
                    seen = primaries.await(Duration.ofMillis(PrimaryWatch.POLL_MILLIS));
                }
                if (seen.isEmpty()) {
                    figures.note("new_primary", "no standby answered /primary within ttl + 60 s of the restart: "
                            + cluster.describe());
                    return figures;
                }
                AgentProcess primary = seen.get().node();
                long primaryUp = seen.get().nanos();
                figures.putBetween(Figure.NEW_PRIMARY, fault, primaryUp);
                if (early.isEmpty()) {
                    figures.putBetween(Figure.QUORUM_BACK_TO_PRIMARY, restarted, primaryUp);
                    if (heard != 0) {
                        figures.putBetween(Figure.QUORUM_HEARD, restarted, heard);
                        figures.putBetween(Figure.HEARD_TO_PRIMARY, heard, primaryUp);
                    } else {
                        figures.note("quorum_heard", lost.name() + "'s member key was not seen running before the promotion");
                    }
                }
                figures.note("new_primary_node", primary.name() + (primary == lost ? " (the restarted standby)" : ""));
                List<AgentProcess> followers = Measurements.othersThan(cluster, old, primary);

                Optional<Writer.Ack> first = HostLossScenario.awaitAck(writer, fault, primary, figures);
                first.ifPresent(ack -> {
                    figures.putBetween(Figure.FIRST_WRITE, fault, ack.nanos());
                    if (early.isEmpty()) {
                        figures.putBetween(Figure.QUORUM_BACK_TO_FIRST_WRITE, restarted, ack.nanos());
                    }
                });
                Map<String, Long> streamed = streams.await(followers, Measurements.scaled(Measurements.FOLLOW_BOUND));
                long promoted = Measurements.promotion(streams, primary, primaryUp, fault, figures);
                Measurements.following(streams, followers, streamed, fault, promoted, figures);
                first.ifPresent(ack -> HostLossScenario.awaitAck(writer, ack.nanos(), primary, figures));

                writer.stop();
                Measurements.standbysRestarted(survivors.stream().filter(n -> n != primary).toList(), started, figures);
                Measurements.acknowledgedWritesLost(writer, primary, figures);
                Measurements.staleWrites(writer, primary, promoted, figures);
                Measurements.splitBrain(checker, figures);
            }
        }
        return figures;
    }

    /**
     * The etcd revision of {@code node}'s member key while it shows the member running, 0 otherwise: it grows when
     * the restarted agent reports a running PostgreSQL, which is when the others can count it as heard from.
     */
    private static long memberRevision(RegentCluster cluster, AgentProcess node) {
        try {
            return cluster.clusterView().member(node.name()).filter(Member::isRunning).map(Member::modRevision).orElse(0L);
        } catch (RuntimeException e) {
            return 0; // etcd slow to answer on a loaded machine: asked again on the next poll
        }
    }

    /** Whether the node's agent logged the election's quorum refusal ("… must be heard from …"). */
    private static boolean loggedRefusal(AgentProcess node) {
        try {
            return Files.readString(node.logFile()).contains("must be heard from");
        } catch (IOException e) {
            return false;
        }
    }

    private static String names(List<AgentProcess> nodes) {
        return nodes.stream().map(AgentProcess::name).toList().toString();
    }
}
