package io.regent.tests.bench;

import io.regent.common.model.LeaderLock;
import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Writer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * A standby is cut off from etcd and its peers for twice the ttl (its member lease expires
 * meanwhile) under a writer: nothing may change on the majority side (no failover, writes go on).
 * Healed, the standby must catch up with the primary and stream again by itself.
 */
final class StandbyPartitionScenario implements BenchScenario {

    private static final Duration CATCH_UP_BOUND = Duration.ofSeconds(60);

    @Override
    public String name() {
        return "partition-standby";
    }

    @Override
    public String description() {
        return "a standby cut off from etcd and its peers for 2 × ttl (network namespaces, its cluster link down),"
                + " under a writer committing every 20 ms";
    }

    @Override
    public Map<Figure, String> goals() {
        Map<Figure, String> goals = new EnumMap<>(Figure.class);
        goals.put(Figure.LEADER_CHANGES, "0");
        goals.put(Figure.ACKED_WRITES_LOST, "0");
        goals.put(Figure.SPLIT_BRAIN, "0");
        goals.put(Figure.HEAL_CONVERGED, "no operator action");
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
        AgentProcess primary = Measurements.awaitSteady(cluster);
        AgentProcess isolated = Measurements.othersThan(cluster, primary).get(0);
        int timeline = primary.timeline();
        figures.note("isolated_node", isolated.name());

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Measurements.scaled(Duration.ofSeconds(30)));
            Set<String> leaders = new LinkedHashSet<>();
            long cut = System.nanoTime();
            cluster.isolate(isolated);
            try {
                long end = cut + context.ttl().multipliedBy(2).toNanos();
                while (System.nanoTime() - end < 0) {
                    try {
                        cluster.clusterView().leader().map(LeaderLock::name).ifPresent(leaders::add);
                    } catch (RuntimeException e) {
                        // etcd slow to answer on a loaded machine: the next poll tells
                    }
                    LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
                }
            } finally {
                cluster.heal(isolated);
            }
            long healed = System.nanoTime();
            leaders.remove(primary.name());
            figures.put(Figure.LEADER_CHANGES, leaders.size());
            if (!leaders.isEmpty()) {
                figures.note("leader_changes", "the leader key named " + leaders + " while " + isolated.name() + " was cut off");
            }

            String target = primary.queryValue("SELECT pg_current_wal_flush_lsn()");
            Optional<Long> caughtUp = awaitCaughtUp(isolated, primary, timeline, target);
            if (caughtUp.isPresent()) {
                figures.putBetween(Figure.HEAL_CONVERGED, healed, caughtUp.get());
            } else {
                figures.note("heal_converged", isolated.name() + " not streaming from " + primary.name() + " with WAL up to "
                        + target + " within " + CATCH_UP_BOUND + " of the heal (last WAL receiver row "
                        + StreamWatch.receiverOf(isolated).map(Object::toString).orElse("none: not answering") + ")");
            }
            figures.note("primary_timeline", "timeline " + timeline + " before, " + primary.timeline() + " after");

            writer.stop();
            figures.put(Figure.LONGEST_GAP, writer.longestGap());
            Measurements.acknowledgedWritesLost(writer, primary, figures);
            Measurements.splitBrain(checker, figures);
        }
        return figures;
    }

    /** When the standby first streamed from the primary on its timeline with WAL up to {@code target}, if it did. */
    private static Optional<Long> awaitCaughtUp(AgentProcess standby, AgentProcess primary, int timeline, String target) {
        long deadline = System.nanoTime() + Measurements.scaled(CATCH_UP_BOUND).toNanos();
        String sql = "SELECT s.status = 'streaming' AND s.sender_port = " + primary.pgPort() + " AND s.received_tli = "
                + timeline + " AND pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '" + target + "') >= 0"
                + " FROM pg_stat_wal_receiver s";
        while (System.nanoTime() - deadline < 0) {
            try {
                if ("t".equals(standby.queryValue(sql))) {
                    return Optional.of(System.nanoTime());
                }
            } catch (java.sql.SQLException e) {
                // not answering yet
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        return Optional.empty();
    }
}
