package io.regent.tests.bench;

import io.regent.tests.fixture.AgentProcess;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiPredicate;

/**
 * Watches standbys' {@code pg_stat_wal_receiver} from the moment of the fault, one thread and one
 * kept connection per standby, polling every {@value #POLL_MILLIS} ms, and records when each first
 * satisfies a condition (e.g. "streaming from another port than the old primary's, on a later
 * timeline"). Started before the fault is injected, so how fast a standby follows is measured to
 * the poll, not to when the benchmark got round to asking.
 */
final class StreamWatch implements AutoCloseable {

    static final long POLL_MILLIS = 50;

    /**
     * One row of {@code pg_stat_wal_receiver} ({@code pid} 0 when no WAL receiver runs) and whether
     * the server is in recovery.
     */
    record Receiver(int pid, String status, int senderPort, int timeline, boolean inRecovery) {
        static final Receiver NONE = new Receiver(0, "none", 0, 0, true);

        boolean streaming() {
            return "streaming".equals(status);
        }
    }

    private final Map<String, Long> reached = new ConcurrentHashMap<>();
    private final Map<String, Long> promoted = new ConcurrentHashMap<>();
    private final Map<String, Receiver> lastSeen = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    private StreamWatch(List<AgentProcess> standbys, BiPredicate<AgentProcess, Receiver> condition) {
        for (AgentProcess standby : standbys) {
            Thread t = new Thread(() -> watch(standby, condition), "bench-stream-watch-" + standby.name());
            t.setDaemon(true);
            threads.add(t);
        }
    }

    static StreamWatch start(List<AgentProcess> standbys, BiPredicate<AgentProcess, Receiver> condition) {
        StreamWatch watch = new StreamWatch(standbys, condition);
        watch.threads.forEach(Thread::start);
        return watch;
    }

    /** The WAL receiver of {@code node} right now, or {@link Receiver#NONE}; empty if PostgreSQL does not answer. */
    static Optional<Receiver> receiverOf(AgentProcess node) {
        try (Connection c = open(node)) {
            return Optional.of(query(c));
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /**
     * Waits up to {@code bound} until every named standby reached the condition; returns when each
     * did ({@link System#nanoTime()}), for those that did.
     */
    Map<String, Long> await(List<AgentProcess> standbys, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() - deadline < 0 && !standbys.stream().allMatch(s -> reached.containsKey(s.name()))) {
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        Map<String, Long> out = new LinkedHashMap<>();
        standbys.stream().filter(s -> reached.containsKey(s.name())).forEach(s -> out.put(s.name(), reached.get(s.name())));
        return out;
    }

    /** When {@code node} was first seen out of recovery (promoted), if it was. */
    Optional<Long> promotedAt(AgentProcess node) {
        return Optional.ofNullable(promoted.get(node.name()));
    }

    /** The last row seen on {@code node}: what to report when it never reached the condition. */
    Receiver lastSeen(AgentProcess node) {
        return lastSeen.getOrDefault(node.name(), Receiver.NONE);
    }

    @Override
    public void close() {
        running = false;
    }

    private void watch(AgentProcess standby, BiPredicate<AgentProcess, Receiver> condition) {
        Connection c = null;
        try {
            while (running) {
                try {
                    if (c == null) {
                        c = open(standby);
                    }
                    Receiver r = query(c);
                    long now = System.nanoTime();
                    lastSeen.put(standby.name(), r);
                    if (condition.test(standby, r)) {
                        reached.put(standby.name(), now);
                        return;
                    }
                    if (!r.inRecovery()) {
                        promoted.put(standby.name(), now); // a promoted standby never streams again
                        return;
                    }
                } catch (SQLException e) {
                    closeQuietly(c);
                    c = null;
                }
                LockSupport.parkNanos(Duration.ofMillis(POLL_MILLIS).toNanos());
            }
        } finally {
            closeQuietly(c);
        }
    }

    private static Receiver query(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(r.pid, 0), coalesce(r.status, 'none'), "
                     + "coalesce(r.sender_port, 0), coalesce(r.received_tli, 0), pg_is_in_recovery() "
                     + "FROM (SELECT 1) one LEFT JOIN pg_stat_wal_receiver r ON true")) {
            rs.next();
            return new Receiver(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getBoolean(5));
        }
    }

    private static Connection open(AgentProcess node) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", node.superuser().username());
        props.setProperty("password", node.superuser().password());
        props.setProperty("connectTimeout", "1");
        props.setProperty("socketTimeout", "1");
        props.setProperty("ApplicationName", "regent-bench-watch");
        return DriverManager.getConnection(node.jdbcUrl(), props);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // gone anyway
            }
        }
    }
}
