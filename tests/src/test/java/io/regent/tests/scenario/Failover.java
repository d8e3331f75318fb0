package io.regent.tests.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Timing;
import io.regent.tests.fixture.Writer;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What every failover scenario checks, in an operator's words: one primary, every standby streaming
 * from it on its timeline, no acknowledged write lost, never two primaries, and the switch in the
 * history. Also the measurements the issue asks for, printed as {@code MEASURED} lines.
 */
final class Failover {

    static final Duration BOOTSTRAP = Duration.ofSeconds(90);
    static final Duration REPLICATION = Duration.ofSeconds(30);
    /** The cluster's ttl (the {@link RegentCluster} default). */
    static final Duration TTL = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(100);

    private Failover() {
    }

    /** Waits for the bootstrapped cluster at rest: its primary, and every other node streaming from it. */
    static AgentProcess awaitSteadyCluster(RegentCluster cluster) {
        AgentProcess primary = cluster.awaitPrimary(BOOTSTRAP);
        cluster.awaitStreamingStandbys(primary, cluster.nodes().size() - 1, BOOTSTRAP);
        return primary;
    }

    static List<AgentProcess> othersThan(RegentCluster cluster, AgentProcess... excluded) {
        List<AgentProcess> out = new ArrayList<>(cluster.nodes());
        out.removeAll(List.of(excluded));
        return out;
    }

    // ---- "replicated everywhere": the strict part of "no acknowledged write lost"

    /** Every id up to {@code lastId} was acknowledged and had reached every standby at {@code nanos}. */
    record Mark(long lastId, long nanos) {
    }

    /**
     * The last moment everything acknowledged had reached every standby: takes the writer's last
     * acknowledged id, then the primary's flushed WAL position, and waits (bounded) until each
     * standby has received and flushed that position.
     */
    static Mark markReplicated(Writer writer, AgentProcess primary, List<AgentProcess> standbys) throws SQLException {
        Writer.Ack last = writer.lastAcknowledged().orElseThrow(() -> new AssertionError("the writer has no acknowledged insert yet"));
        assertThat(last.node()).as("the writer writes to the primary").isEqualTo(primary.name());
        String lsn = primary.queryValue("SELECT pg_current_wal_flush_lsn()");
        for (AgentProcess standby : standbys) {
            await(standby.name() + " received WAL up to " + lsn, REPLICATION,
                    () -> "t".equals(valueOrNull(standby, "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '" + lsn + "') >= 0")));
        }
        return new Mark(last.id(), System.nanoTime());
    }

    /**
     * With no writes going on: waits (bound scaled) until every standby has received exactly the
     * primary's flushed WAL position, and that position stayed the same meanwhile.
     *
     * @return that position
     */
    static String awaitEqualPositions(AgentProcess primary, List<AgentProcess> standbys) {
        String[] agreed = new String[1];
        await("every standby at the primary's WAL position", REPLICATION, () -> {
            String lsn = valueOrNull(primary, "SELECT pg_current_wal_flush_lsn()");
            if (lsn == null) {
                return false;
            }
            for (AgentProcess standby : standbys) {
                if (!lsn.equals(valueOrNull(standby, "SELECT pg_last_wal_receive_lsn()"))) {
                    return false;
                }
            }
            agreed[0] = lsn;
            return lsn.equals(valueOrNull(primary, "SELECT pg_current_wal_flush_lsn()"));
        });
        return agreed[0];
    }

    /**
     * Strict: every insert acknowledged up to {@code mark} exists on {@code primary}. Reported only:
     * inserts acknowledged later and missing (asynchronous replication may lose the last ones in
     * flight at the fault).
     */
    static void assertNoReplicatedWriteLost(Writer writer, Mark mark, AgentProcess primary) throws SQLException {
        Set<Long> present = Writer.idsOn(primary);
        List<Writer.Ack> acks = writer.acknowledged();
        List<Long> lostStrict = acks.stream().filter(a -> a.id() <= mark.lastId()).map(Writer.Ack::id)
                .filter(id -> !present.contains(id)).toList();
        List<Writer.Ack> lostLater = acks.stream().filter(a -> a.id() > mark.lastId()).filter(a -> !present.contains(a.id())).toList();
        long uncertainPresent = writer.failures().stream().filter(f -> present.contains(f.id())).count();
        System.out.printf("rows on %s: %d present; %d acknowledged (%d up to the replicated mark id %d); "
                        + "%d failed inserts, %d of them present anyway%n", primary.name(), present.size(), acks.size(),
                acks.stream().filter(a -> a.id() <= mark.lastId()).count(), mark.lastId(), writer.failures().size(),
                uncertainPresent);
        if (!lostLater.isEmpty()) {
            System.out.println("REPORT acknowledged after the replicated mark but missing on " + primary.name() + ": "
                    + lostLater.stream().map(a -> a.id() + "@" + a.node()).collect(Collectors.joining(", ")));
        } else {
            System.out.println("REPORT no acknowledged insert missing on " + primary.name());
        }
        assertThat(lostStrict).as("acknowledged inserts that had reached every standby, missing on the primary "
                + primary.name()).isEmpty();
    }

    /** Strict: every acknowledged insert exists on {@code primary} (when no fault could lose any). */
    static void assertNoAcknowledgedWriteLost(Writer writer, AgentProcess primary) throws SQLException {
        Set<Long> present = Writer.idsOn(primary);
        List<Long> lost = writer.acknowledged().stream().map(Writer.Ack::id).filter(id -> !present.contains(id)).toList();
        System.out.printf("rows on %s: %d present, %d acknowledged, %d failed inserts%n", primary.name(), present.size(),
                writer.acknowledged().size(), writer.failures().size());
        assertThat(lost).as("acknowledged inserts missing on " + primary.name()).isEmpty();
    }

    // ---- convergence

    /**
     * Waits (bound scaled) until {@code primary} is the only node answering 200 on {@code /primary}
     * and every given standby streams from it on its current timeline, then checks both once more
     * together with PostgreSQL's own view: exactly one reachable node is out of recovery.
     *
     * @return the primary's timeline
     */
    static int assertConverged(RegentCluster cluster, AgentProcess primary, List<AgentProcess> standbys, Duration bound)
            throws SQLException {
        await("one primary " + primary.name() + " and " + standbys.size() + " standbys streaming from it", bound,
                () -> cluster.primaries().equals(List.of(primary)) && allStreaming(primary, standbys));
        int timeline = primary.timeline();
        assertThat(cluster.primaries()).as("nodes answering 200 on /primary").containsExactly(primary);
        assertThat(cluster.nodes().stream().filter(AgentProcess::isWritable).map(AgentProcess::name).toList())
                .as("nodes whose PostgreSQL is out of recovery").containsExactly(primary.name());
        for (AgentProcess standby : standbys) {
            Optional<AgentProcess.WalReceiver> receiver = standby.walReceiver();
            assertThat(receiver).as(standby.name() + "'s WAL receiver").isPresent();
            assertThat(receiver.get().status()).as(standby.name() + " WAL receiver status").isEqualTo("streaming");
            assertThat(receiver.get().senderPort()).as(standby.name() + " streams from the port of " + primary.name())
                    .isEqualTo(primary.pgPort());
            assertThat(receiver.get().receivedTli()).as(standby.name() + " streams on the primary's timeline")
                    .isEqualTo(timeline);
        }
        return timeline;
    }

    /** Whether every standby's WAL receiver streams from {@code primary} on its current timeline. */
    static boolean allStreaming(AgentProcess primary, List<AgentProcess> standbys) {
        try {
            int timeline = primary.timeline();
            for (AgentProcess standby : standbys) {
                Optional<AgentProcess.WalReceiver> receiver = standby.walReceiver();
                if (receiver.isEmpty() || !receiver.get().isStreamingFrom(primary, timeline)) {
                    return false;
                }
            }
            return true;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** Waits until a node other than the excluded ones is the only one answering 200 on /primary. */
    static AgentProcess awaitNewPrimary(RegentCluster cluster, AgentProcess old, Duration bound) {
        List<AgentProcess> found = new ArrayList<>();
        await("a new primary other than " + old.name(), bound, () -> {
            List<AgentProcess> primaries = cluster.primaries();
            if (primaries.size() == 1 && primaries.get(0) != old) {
                found.add(primaries.get(0));
                return true;
            }
            return false;
        });
        return found.get(found.size() - 1);
    }

    /**
     * Waits (bound scaled) for each standby to stream from {@code primary} on its timeline, watching
     * every standby on its own thread (every 50 ms) so one slow answer does not delay the others'
     * measurement; returns when each did, counted from {@code since}.
     */
    static Map<String, Duration> awaitEachStreaming(AgentProcess primary, List<AgentProcess> standbys, long since,
                                                   Duration bound) throws SQLException {
        int timeline = primary.timeline();
        Duration scaled = Timing.scaled(bound);
        long deadline = System.nanoTime() + scaled.toNanos();
        Map<String, Duration> when = new ConcurrentHashMap<>();
        List<Thread> watchers = new ArrayList<>();
        for (AgentProcess standby : standbys) {
            Thread watcher = new Thread(() -> {
                while (System.nanoTime() - deadline < 0) {
                    try {
                        Optional<AgentProcess.WalReceiver> receiver = standby.walReceiver();
                        if (receiver.isPresent() && receiver.get().isStreamingFrom(primary, timeline)) {
                            when.put(standby.name(), Duration.ofNanos(System.nanoTime() - since));
                            return;
                        }
                    } catch (SQLException e) {
                        // not answering yet
                    }
                    LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
                }
            }, "watch-" + standby.name());
            watcher.setDaemon(true);
            watcher.start();
            watchers.add(watcher);
        }
        for (Thread watcher : watchers) {
            try {
                watcher.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000 + 5_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        List<String> missing = standbys.stream().map(AgentProcess::name).filter(n -> !when.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            throw new AssertionError(missing + " not streaming from " + primary.name() + " on timeline " + timeline
                    + " within " + scaled);
        }
        Map<String, Duration> ordered = new LinkedHashMap<>();
        standbys.forEach(s -> ordered.put(s.name(), when.get(s.name())));
        return ordered;
    }

    // ---- no restart

    static Map<String, Instant> postmasterStartTimes(List<AgentProcess> nodes) throws SQLException {
        Map<String, Instant> times = new HashMap<>();
        for (AgentProcess node : nodes) {
            times.put(node.name(), node.postmasterStartTime());
        }
        return times;
    }

    static void assertNotRestarted(List<AgentProcess> nodes, Map<String, Instant> before) throws SQLException {
        for (AgentProcess node : nodes) {
            assertThat(node.postmasterStartTime()).as(node.name() + "'s postmaster start time (a restart changes it)")
                    .isEqualTo(before.get(node.name()));
        }
    }

    // ---- never two primaries, and the history

    static void assertNoSplitBrain(SplitBrainChecker checker, AgentProcess primary) {
        checker.stop();
        System.out.printf("split-brain checker: %d rounds, %s seen writable in %d%n", checker.rounds(), primary.name(),
                checker.writableRounds(primary));
        assertThat(checker.writableRounds(primary)).as("rounds in which the checker saw the primary " + primary.name()
                + " take writes (it must have sampled it)").isPositive();
        assertThat(checker.violations()).as("rounds with two primaries at once").isEmpty();
    }

    /** The history has an entry for the switch from {@code oldTimeline} to {@code newLeader}. */
    static void assertHistoryRecordsSwitch(RegentCluster cluster, int oldTimeline, AgentProcess newLeader) {
        List<RegentCluster.HistoryLine> history = cluster.history();
        System.out.println("history of " + cluster.scope() + ": " + history);
        assertThat(history).as("history entries for the end of timeline " + oldTimeline + " promoting " + newLeader.name())
                .anySatisfy(line -> {
                    assertThat(line.timeline()).isEqualTo(oldTimeline);
                    assertThat(line.newLeader()).isEqualTo(newLeader.name());
                    assertThat(line.switchLsn()).isPositive();
                });
    }

    // ---- time

    /** Waits until {@code leader}'s {@code sync} key names {@code count} standbys, and returns it. */
    static io.regent.common.model.SyncState awaitSync(RegentCluster cluster, AgentProcess leader, int count) {
        List<io.regent.common.model.SyncState> found = new ArrayList<>();
        await("the sync key of " + leader.name() + " naming " + count + " standby(s)", Duration.ofSeconds(60), () -> {
            Optional<io.regent.common.model.SyncState> sync = cluster.clusterView().sync();
            boolean named = sync.filter(state -> state.leader().equals(leader.name()) && state.standbys().size() == count).isPresent();
            sync.filter(state -> named).ifPresent(found::add);
            return named;
        });
        return found.get(found.size() - 1);
    }

    static void measured(String scenario, String what, Duration duration) {
        System.out.printf("MEASURED %s: %s = %d ms%n", scenario, what, duration.toMillis());
    }

    static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }

    /** Polls every 100 ms until the condition holds; fails after {@code bound} (scaled). */
    static void await(String what, Duration bound, Supplier<Boolean> condition) {
        Duration scaled = Timing.scaled(bound);
        try {
            Awaitility.await(what).atMost(scaled).pollDelay(Duration.ZERO).pollInterval(POLL)
                    .until(() -> Boolean.TRUE.equals(safely(condition)));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + ": not within " + scaled, e);
        }
    }

    /** Holds for the whole of {@code period} (not scaled: it is how long the test watches). */
    static void assertHoldsFor(String what, Duration period, Supplier<Boolean> condition) {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() - end < 0) {
            assertThat(safely(condition)).as(what).isTrue();
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    private static Boolean safely(Supplier<Boolean> condition) {
        try {
            return condition.get();
        } catch (RuntimeException e) {
            return false;
        }
    }

    static String valueOrNull(AgentProcess node, String sql) {
        try {
            return node.queryValue(sql);
        } catch (SQLException e) {
            return null;
        }
    }
}
