package io.regent.tests.bench;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Writer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;

/**
 * The primary's agent hangs (SIGSTOP) while its PostgreSQL runs on. Its lease expires, a standby
 * takes over; the node's fence process stops the old PostgreSQL (immediate shutdown) when the agent
 * has not renewed it by {@code lease − fence.safety_margin}. The scenario reports when the old primary
 * stopped taking writes, by how much that preceded the promotion, how long two PostgreSQL took writes at
 * once, and how many writes the stale one accepted from a client still connected to it. The agent is
 * resumed (SIGCONT) {@value #HOLD_SECONDS} s after the new primary answers {@code /primary}, followed
 * or not: without the fence the overlap would be that hold plus how long the resumed agent takes to demote.
 */
final class AgentHangScenario implements BenchScenario {

    static final int HOLD_SECONDS = 5;
    private static final Duration DEMOTE_BOUND = Duration.ofSeconds(30);

    @Override
    public String name() {
        return "agent-hang";
    }

    @Override
    public String description() {
        return "the primary's agent hangs (SIGSTOP) with 2 standbys, PostgreSQL left running (its fence process on);"
                + " SIGCONT " + HOLD_SECONDS + " s after the new primary answers /primary";
    }

    @Override
    public Map<Figure, String> goals() {
        Map<Figure, String> goals = new EnumMap<>(Figure.class);
        goals.put(Figure.NEW_PRIMARY, "≤ ttl + 0.5 s");
        goals.put(Figure.FOLLOW_AFTER_PROMOTION, "≤ 1 s");
        goals.put(Figure.STANDBYS_NOT_FOLLOWING, "0");
        goals.put(Figure.STANDBYS_RESTARTED, "0");
        goals.put(Figure.STALE_WRITES, "0");
        goals.put(Figure.STALE_WRITES_DIRECT, "0");
        goals.put(Figure.SPLIT_BRAIN, "0");
        goals.put(Figure.FENCED_BEFORE_PROMOTION, "> 0");
        goals.put(Figure.HEAL_CONVERGED, "no operator action");
        return goals;
    }

    @Override
    public RunFigures run(BenchContext context) throws Exception {
        return ClusterRun.with(context, 3, cluster -> runOn(context, cluster));
    }

    private RunFigures runOn(BenchContext context, RegentCluster cluster) throws Exception {
        RunFigures figures = new RunFigures();
        AgentProcess old = Measurements.awaitSteady(cluster);
        List<AgentProcess> standbys = Measurements.othersThan(cluster, old);
        int oldTimeline = old.timeline();
        int oldPort = old.pgPort();
        Map<String, Instant> started = Measurements.postmasterStartTimes(standbys);
        old.execute("CREATE TABLE IF NOT EXISTS bench_stale_probe (id bigint PRIMARY KEY, at timestamptz DEFAULT now())");
        old.fenceRssKb().ifPresentOrElse(kb -> figures.put(Figure.FENCE_RSS, kb / 1024.0),
                () -> figures.note("fence_rss", old.name() + " has no fence process"));

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster);
             DirectClient direct = DirectClient.start(old)) {
            writer.awaitAcknowledged(50, Measurements.scaled(Duration.ofSeconds(30)));
            long fault;
            long primaryUp;
            long promoted;
            AgentProcess primary;
            try (StreamWatch streams = StreamWatch.start(standbys,
                    (node, r) -> r.streaming() && r.senderPort() != oldPort && r.timeline() > oldTimeline);
                 PrimaryWatch primaries = PrimaryWatch.start(standbys);
                 LeaderKeyWatch leaderKey = LeaderKeyWatch.start(cluster, old)) {
                List<AgentProcess> followers;
                LastWritable lastWritable = LastWritable.start(old);
                fault = System.nanoTime();
                old.pause();
                try {
                    Optional<PrimaryWatch.Seen> seen = primaries.await(Measurements.scaled(context.ttl().plusSeconds(30)));
                    if (seen.isEmpty()) {
                        figures.note("new_primary", "no standby answered /primary within ttl + 30 s: " + cluster.describe());
                        return figures;
                    }
                    primary = seen.get().node();
                    primaryUp = seen.get().nanos();
                    figures.putBetween(Figure.NEW_PRIMARY, fault, primaryUp);
                    leaderKey.goneAt().ifPresent(gone -> figures.putBetween(Figure.LEADER_KEY_GONE, fault, gone));
                    followers = Measurements.othersThan(cluster, old, primary);
                    HostLossScenario.awaitAck(writer, fault, primary, figures)
                            .ifPresent(ack -> figures.putBetween(Figure.FIRST_WRITE, fault, ack.nanos()));
                    // the agent stays hung for a fixed time after the new primary is up, followed or not
                    long resumeAt = primaryUp + Duration.ofSeconds(HOLD_SECONDS).toNanos();
                    streams.await(followers, Duration.ofNanos(Math.max(0, resumeAt - System.nanoTime())));
                    LockSupport.parkNanos(Math.max(0, resumeAt - System.nanoTime()));
                    figures.note("old_writable_while_hung", old.name() + "'s PostgreSQL "
                            + (old.isWritable() ? "still took writes" : "no longer took writes") + " " + HOLD_SECONDS
                            + " s after " + primary.name() + " answered /primary, when its agent was resumed");
                } finally {
                    old.resume();
                    lastWritable.stop();
                }
                fenced(lastWritable, fault, old, figures);
                long resumed = System.nanoTime();
                long demoted = awaitNotWritable(old, Measurements.scaled(DEMOTE_BOUND));
                if (demoted != 0) {
                    figures.putBetween(Figure.STALE_DEMOTED_AFTER_RESUME, resumed, demoted);
                } else {
                    figures.note("stale_demoted_after_resume", old.name() + " still writable " + DEMOTE_BOUND + " after SIGCONT");
                }
                Map<String, Long> streamed = streams.await(followers,
                        Measurements.scaled(Measurements.FOLLOW_BOUND).minusNanos(System.nanoTime() - primaryUp));
                promoted = Measurements.promotion(streams, primary, primaryUp, fault, figures);
                if (lastWritable.lastWritable() != 0) {
                    figures.put(Figure.FENCED_BEFORE_PROMOTION, Duration.ofNanos(promoted - lastWritable.lastWritable()));
                }
                Measurements.following(streams, followers, streamed, fault, promoted, figures);
                rejoined(old, primary, oldTimeline, resumed, figures);
            }
            writer.stop();
            direct.stop();
            figures.put(Figure.LONGEST_GAP, writer.longestGap());
            Measurements.standbysRestarted(Measurements.othersThan(cluster, old, primary), started, figures);
            Measurements.acknowledgedWritesLost(writer, primary, figures);
            Measurements.staleWrites(writer, primary, promoted, figures);
            long directStale = direct.commits().stream().filter(n -> n > promoted).count();
            figures.put(Figure.STALE_WRITES_DIRECT, directStale);
            figures.note("stale_writes_direct", directStale + " commits on " + old.name()
                    + " by a client connected to it directly (one every 100 ms) after " + primary.name() + " was promoted");
            Measurements.splitBrain(checker, figures);
        }
        return figures;
    }

    /** The fault heals with SIGCONT: converged once the old primary streams from the new one on its timeline. */
    private static void rejoined(AgentProcess old, AgentProcess primary, int oldTimeline, long resumed, RunFigures figures) {
        int port = primary.pgPort();
        try (StreamWatch watch = StreamWatch.start(List.of(old),
                (node, r) -> r.streaming() && r.senderPort() == port && r.timeline() > oldTimeline)) {
            Long streaming = watch.await(List.of(old), Measurements.scaled(OldPrimaryRejoinScenario.REJOIN_BOUND)).get(old.name());
            if (streaming != null) {
                figures.putBetween(Figure.HEAL_CONVERGED, resumed, streaming);
            } else {
                figures.note("heal_converged", old.name() + " not streaming from " + primary.name() + " within "
                        + OldPrimaryRejoinScenario.REJOIN_BOUND + " of SIGCONT (last WAL receiver row " + watch.lastSeen(old) + ")");
            }
        }
    }

    /** When the hung primary was last seen writable while its agent was stopped. */
    private static void fenced(LastWritable watch, long fault, AgentProcess old, RunFigures figures) {
        if (watch.lastWritable() != 0 && watch.notWritableSince() != 0) {
            figures.putBetween(Figure.FENCED, fault, watch.notWritableSince());
        } else {
            figures.note("fenced", old.name() + " still writable when its agent was resumed: not fenced");
        }
    }

    /**
     * Asks the old primary every 50 ms whether it takes writes: the end of the last check that found it
     * writable, and the first check after that which did not.
     */
    static final class LastWritable {
        private final AgentProcess node;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long lastWritable;
        private volatile long notWritableSince;

        private LastWritable(AgentProcess node) {
            this.node = node;
            this.thread = new Thread(this::run, "bench-last-writable-" + node.name());
            this.thread.setDaemon(true);
        }

        static LastWritable start(AgentProcess node) {
            LastWritable watch = new LastWritable(node);
            watch.thread.start();
            return watch;
        }

        private void run() {
            while (running) {
                if (node.isWritable()) {
                    lastWritable = System.nanoTime();
                    notWritableSince = 0;
                } else if (notWritableSince == 0) {
                    notWritableSince = System.nanoTime();
                }
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
        }

        long lastWritable() {
            return lastWritable;
        }

        long notWritableSince() {
            return notWritableSince;
        }

        void stop() {
            running = false;
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long awaitNotWritable(AgentProcess node, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!node.isWritable()) {
                return System.nanoTime();
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        return 0;
    }

    /**
     * An application that keeps its connection to the old primary (no health check in between):
     * one insert every 100 ms into {@code bench_stale_probe}, recording when each commit returned.
     */
    static final class DirectClient implements AutoCloseable {
        private final AgentProcess node;
        private final List<Long> commits = new ArrayList<>();
        private volatile boolean running = true;
        private final Thread thread;

        private DirectClient(AgentProcess node) {
            this.node = node;
            this.thread = new Thread(this::run, "bench-direct-client-" + node.name());
            this.thread.setDaemon(true);
        }

        static DirectClient start(AgentProcess node) {
            DirectClient client = new DirectClient(node);
            client.thread.start();
            return client;
        }

        synchronized List<Long> commits() {
            return List.copyOf(commits);
        }

        void stop() {
            running = false;
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            stop();
        }

        private void run() {
            long id = System.currentTimeMillis() * 1000;
            Connection c = null;
            while (running) {
                try {
                    if (c == null) {
                        Properties props = new Properties();
                        props.setProperty("user", node.superuser().username());
                        props.setProperty("password", node.superuser().password());
                        props.setProperty("connectTimeout", "1");
                        props.setProperty("socketTimeout", "2");
                        props.setProperty("ApplicationName", "regent-bench-direct");
                        c = DriverManager.getConnection(node.jdbcUrl(), props);
                    }
                    try (PreparedStatement insert = c.prepareStatement("INSERT INTO bench_stale_probe (id) VALUES (?)")) {
                        insert.setLong(1, id++);
                        insert.executeUpdate();
                    }
                    synchronized (this) {
                        commits.add(System.nanoTime());
                    }
                } catch (SQLException e) {
                    if (c != null) {
                        try {
                            c.close();
                        } catch (SQLException ignored) {
                            // gone anyway
                        }
                    }
                    c = null;
                }
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // gone anyway
                }
            }
        }
    }
}
