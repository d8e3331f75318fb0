package io.regent.tests.bench;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Timing;
import io.regent.tests.fixture.Writer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The figures every failure scenario shares, computed from the fixtures' own records. */
final class Measurements {

    static final Duration BOOTSTRAP = Duration.ofSeconds(90);
    /** How long a scenario waits for standbys to stream after the fault before it reports that they did not. */
    static final Duration FOLLOW_BOUND = Duration.ofSeconds(30);

    private Measurements() {
    }

    /** The bootstrapped cluster at rest: its primary, with every other node streaming from it. */
    static AgentProcess awaitSteady(RegentCluster cluster) {
        AgentProcess primary = cluster.awaitPrimary(BOOTSTRAP);
        cluster.awaitStreamingStandbys(primary, cluster.nodes().size() - 1, BOOTSTRAP);
        return primary;
    }

    static List<AgentProcess> othersThan(RegentCluster cluster, AgentProcess... excluded) {
        List<AgentProcess> out = new ArrayList<>(cluster.nodes());
        out.removeAll(List.of(excluded));
        return out;
    }

    /** {@code pg_postmaster_start_time()} of each node: it changes exactly when that PostgreSQL restarts. */
    static Map<String, Instant> postmasterStartTimes(List<AgentProcess> nodes) throws SQLException {
        Map<String, Instant> times = new LinkedHashMap<>();
        for (AgentProcess node : nodes) {
            times.put(node.name(), node.postmasterStartTime());
        }
        return times;
    }

    /** How many of {@code nodes} restarted their postmaster since {@code before} (one that cannot be asked counts). */
    static void standbysRestarted(List<AgentProcess> nodes, Map<String, Instant> before, RunFigures figures) {
        List<String> restarted = new ArrayList<>();
        for (AgentProcess node : nodes) {
            try {
                if (!node.postmasterStartTime().equals(before.get(node.name()))) {
                    restarted.add(node.name());
                }
            } catch (SQLException e) {
                restarted.add(node.name() + " (not answering)");
            }
        }
        figures.put(Figure.STANDBYS_RESTARTED, restarted.size());
        if (!restarted.isEmpty()) {
            figures.note("standbys_restarted", String.join(", ", restarted));
        }
    }

    /** Every acknowledged insert missing on {@code primary}: asynchronous replication may lose those in flight at the fault. */
    static void acknowledgedWritesLost(Writer writer, AgentProcess primary, RunFigures figures) throws SQLException {
        Set<Long> present = Writer.idsOn(primary);
        List<Writer.Ack> lost = writer.acknowledged().stream().filter(a -> !present.contains(a.id())).toList();
        figures.put(Figure.ACKED_WRITES_LOST, lost.size());
        figures.note("writes", writer.acknowledged().size() + " acknowledged, " + writer.failures().size()
                + " failed (outcome unknown or refused), " + present.size() + " rows on " + primary.name());
        if (!lost.isEmpty()) {
            figures.note("acked_writes_lost", lost.stream().limit(20).map(a -> a.id() + "@" + a.node())
                    .collect(Collectors.joining(", ")) + (lost.size() > 20 ? ", …" : ""));
        }
    }

    /**
     * The longest time between two consecutive acknowledgements where the later came after {@code nanos}:
     * how long writes were unavailable from then on (the gap that straddles it included).
     */
    static Duration longestGapSince(Writer writer, long nanos) {
        List<Writer.Ack> acks = writer.acknowledged();
        long longest = 0;
        for (int i = 1; i < acks.size(); i++) {
            if (acks.get(i).nanos() > nanos) {
                longest = Math.max(longest, acks.get(i).nanos() - acks.get(i - 1).nanos());
            }
        }
        return Duration.ofNanos(longest);
    }

    /** Writes the writer had acknowledged by another node than {@code primary} after it was up. */
    static void staleWrites(Writer writer, AgentProcess primary, long primaryUpNanos, RunFigures figures) {
        long stale = writer.acknowledged().stream()
                .filter(a -> a.nanos() > primaryUpNanos && !a.node().equals(primary.name())).count();
        figures.put(Figure.STALE_WRITES, stale);
    }

    /** The span from the first to the last round in which two PostgreSQL took writes (0 when never). */
    static void splitBrain(SplitBrainChecker checker, RunFigures figures) {
        checker.stop();
        List<SplitBrainChecker.Violation> postgres = checker.violations().stream()
                .filter(v -> v.kind().equals("postgres")).toList();
        long api = checker.violations().stream().filter(v -> v.kind().equals("api")).count();
        if (postgres.isEmpty()) {
            figures.put(Figure.SPLIT_BRAIN, 0);
        } else {
            Instant first = postgres.get(0).at();
            Instant last = postgres.get(postgres.size() - 1).at();
            figures.put(Figure.SPLIT_BRAIN, Duration.between(first, last).plusMillis(100));
            figures.note("split_brain", postgres.size() + " of " + checker.rounds() + " rounds with two writable PostgreSQL "
                    + postgres.get(0).nodes() + ", from " + first + " to " + last);
        }
        if (api > 0) {
            figures.note("split_brain_api", api + " rounds with two agents answering 200 on /primary");
        }
    }

    /**
     * When the new primary's PostgreSQL was first seen out of recovery ({@link Figure#PROMOTED});
     * {@code primaryUp} (its /primary answer) if the watch missed it.
     */
    static long promotion(StreamWatch streams, AgentProcess primary, long primaryUp, long fault, RunFigures figures) {
        long promoted = streams.promotedAt(primary).orElse(0L);
        if (promoted == 0) {
            figures.note("promoted", "promotion of " + primary.name() + " not seen by the watch; counting from /primary");
            return primaryUp;
        }
        figures.putBetween(Figure.PROMOTED, fault, promoted);
        return promoted;
    }

    /**
     * The follow figures: when every follower streamed ({@link Figure#ALL_STREAMING}, and after the
     * promotion), and how many did not within the bound ({@link Figure#STANDBYS_NOT_FOLLOWING}) with
     * the last WAL receiver row each showed.
     */
    static void following(StreamWatch streams, List<AgentProcess> followers, Map<String, Long> streamed, long fault,
                          long promoted, RunFigures figures) {
        List<AgentProcess> missing = followers.stream().filter(f -> !streamed.containsKey(f.name())).toList();
        figures.put(Figure.STANDBYS_NOT_FOLLOWING, missing.size());
        if (missing.isEmpty()) {
            long all = followers.isEmpty() ? promoted : latest(streamed);
            figures.putBetween(Figure.ALL_STREAMING, fault, all);
            figures.put(Figure.FOLLOW_AFTER_PROMOTION, Math.max(0, (all - promoted) / 1_000_000.0));
            figures.note("streaming_per_standby", streamed.entrySet().stream()
                    .map(e -> e.getKey() + " " + (e.getValue() - fault) / 1_000_000 + " ms").collect(Collectors.joining(", ")));
        } else {
            figures.note("standbys_not_following", missing.stream().map(f -> f.name() + " (last WAL receiver row "
                    + streams.lastSeen(f) + ")").collect(Collectors.joining("; ")) + " not streaming on the new timeline within "
                    + FOLLOW_BOUND + " of the fault");
        }
    }

    /** The latest of the given instants, or empty. */
    static long latest(Map<String, Long> nanos) {
        return nanos.values().stream().max(Comparator.naturalOrder()).orElseThrow();
    }

    static Duration scaled(Duration duration) {
        return Timing.scaled(duration);
    }

    /** Deletes a finished cluster's directory (logs, configurations): a failed run keeps it for diagnosis. */
    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("bench: cannot delete " + dir + ": " + e);
        }
    }
}
