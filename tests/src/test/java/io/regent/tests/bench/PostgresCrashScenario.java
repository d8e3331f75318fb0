package io.regent.tests.bench;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * PostgreSQL crashes on the primary (SIGKILL of its postmaster) while its agent lives: the agent
 * restarts it in place, same node, same timeline; the standbys reconnect to it.
 */
final class PostgresCrashScenario implements BenchScenario {

    @Override
    public String name() {
        return "postgres-crash";
    }

    @Override
    public String description() {
        return "PostgreSQL crash on the primary (SIGKILL of the postmaster, agent alive) with 2 standbys, "
                + "under a writer committing every 20 ms";
    }

    @Override
    public Map<Figure, String> goals() {
        Map<Figure, String> goals = new EnumMap<>(Figure.class);
        goals.put(Figure.FIRST_WRITE, "≤ 3 s");
        goals.put(Figure.STANDBYS_RESTARTED, "0");
        goals.put(Figure.ACKED_WRITES_LOST, "0");
        goals.put(Figure.SPLIT_BRAIN, "0");
        return goals;
    }

    @Override
    public RunFigures run(BenchContext context) throws Exception {
        return ClusterRun.with(context, 3, cluster -> runOn(cluster));
    }

    private RunFigures runOn(RegentCluster cluster) throws Exception {
        RunFigures figures = new RunFigures();
        AgentProcess primary = Measurements.awaitSteady(cluster);
        List<AgentProcess> standbys = Measurements.othersThan(cluster, primary);
        int timeline = primary.timeline();
        int port = primary.pgPort();
        Map<String, Instant> started = Measurements.postmasterStartTimes(standbys);
        Map<String, Integer> receiverPids = new HashMap<>();
        for (AgentProcess standby : standbys) {
            receiverPids.put(standby.name(), StreamWatch.receiverOf(standby).map(StreamWatch.Receiver::pid).orElse(0));
        }
        long crashedPid = primary.postmaster().orElseThrow().pid();

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Measurements.scaled(Duration.ofSeconds(30)));
            // a standby is back once a new WAL receiver (another pid) streams from the same primary on the same timeline
            try (StreamWatch streams = StreamWatch.start(standbys, (node, r) -> r.streaming() && r.senderPort() == port
                    && r.timeline() == timeline && r.pid() != receiverPids.get(node.name()))) {
                long fault = System.nanoTime();
                primary.crashPostmaster();

                // backends of the dead postmaster may still commit for a moment: count from the new postmaster
                long restartedAt = awaitNewPostmaster(primary, crashedPid, Measurements.scaled(Duration.ofSeconds(30)));
                AgentProcess writable = primary;
                if (restartedAt == 0) {
                    figures.note("restart_in_place", primary.name() + "'s PostgreSQL did not come back within 30 s");
                    Optional<AgentProcess> other = cluster.primaries().stream().findFirst();
                    if (other.isEmpty()) {
                        return figures;
                    }
                    writable = other.get();
                    restartedAt = fault;
                }
                Optional<Writer.Ack> first = HostLossScenario.awaitAck(writer, restartedAt, writable, figures);
                first.ifPresent(ack -> figures.putBetween(Figure.FIRST_WRITE, fault, ack.nanos()));

                Map<String, Long> streamed = streams.await(standbys, Measurements.scaled(Measurements.FOLLOW_BOUND));
                if (streamed.size() == standbys.size()) {
                    figures.putBetween(Figure.ALL_STREAMING, fault, Measurements.latest(streamed));
                } else {
                    figures.note("all_streaming", "not every standby streamed again within " + Measurements.FOLLOW_BOUND + ": "
                            + standbys.stream().filter(s -> !streamed.containsKey(s.name()))
                            .map(s -> s.name() + " last " + streams.lastSeen(s)).collect(Collectors.joining("; ")));
                }
                first.ifPresent(ack -> HostLossScenario.awaitAck(writer, ack.nanos(), primary, figures));
                writer.stop();
                figures.put(Figure.LONGEST_GAP, writer.longestGap());
                Measurements.standbysRestarted(standbys, started, figures);
                Measurements.acknowledgedWritesLost(writer, writable, figures);
                Measurements.splitBrain(checker, figures);
            }
        }
        return figures;
    }

    /** When a postmaster other than {@code crashedPid} was first seen running on {@code node}; 0 if none within {@code bound}. */
    private static long awaitNewPostmaster(AgentProcess node, long crashedPid, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Optional<ProcessHandle> pm = node.postmaster();
            if (pm.isPresent() && pm.get().pid() != crashedPid) {
                return System.nanoTime();
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        return 0;
    }
}
