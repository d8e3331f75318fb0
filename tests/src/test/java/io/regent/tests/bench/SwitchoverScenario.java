package io.regent.tests.bench;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Writer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;

/**
 * A planned switchover under the writer: {@code POST /switchover {"leader", "candidate"}} to the
 * primary's REST API (java.net.http, so no regentctl JVM start-up in the measured path) naming a
 * healthy standby. The leader stops cleanly, hands the key over, the candidate promotes once it has
 * the leader's last WAL; the bystander standby follows it without a restart and the old primary
 * restarts once, as the new primary's standby. Everything is measured from the moment the request
 * is sent.
 */
final class SwitchoverScenario implements BenchScenario {

    /** How long the runner retries a refused request (412: the candidate's member record not yet up to date). */
    private static final Duration ACCEPT_BOUND = Duration.ofSeconds(30);
    /** How long the runner waits for the API's answer (it answers once the candidate leads). */
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(60);
    private static final long POSTMASTER_POLL_MILLIS = 20;

    @Override
    public String name() {
        return "switchover";
    }

    @Override
    public String description() {
        return "planned switchover (POST /switchover to the primary naming a standby) with 2 standbys, "
                + "under a writer committing every 20 ms";
    }

    @Override
    public Map<Figure, String> goals() {
        Map<Figure, String> goals = new EnumMap<>(Figure.class);
        goals.put(Figure.LONGEST_GAP, "≤ 1 s");
        goals.put(Figure.FOLLOW_AFTER_PROMOTION, "≤ 2 s");
        goals.put(Figure.STANDBYS_NOT_FOLLOWING, "0");
        goals.put(Figure.STANDBYS_RESTARTED, "0");
        goals.put(Figure.OLD_PRIMARY_RESTARTS, "1 (by design)");
        goals.put(Figure.ACKED_WRITES_LOST, "0");
        goals.put(Figure.STALE_WRITES, "0");
        goals.put(Figure.SPLIT_BRAIN, "0");
        return goals;
    }

    @Override
    public RunFigures run(BenchContext context) throws Exception {
        return ClusterRun.with(context, 3, cluster -> runOn(cluster));
    }

    private RunFigures runOn(RegentCluster cluster) throws Exception {
        RunFigures figures = new RunFigures();
        AgentProcess old = Measurements.awaitSteady(cluster);
        List<AgentProcess> standbys = Measurements.othersThan(cluster, old);
        AgentProcess candidate = standbys.get(0);
        AgentProcess bystander = standbys.get(1);
        int oldTimeline = old.timeline();
        int candidatePort = candidate.pgPort();
        Map<String, Instant> started = Measurements.postmasterStartTimes(List.of(old, bystander));
        long oldPostmaster = old.postmaster().orElseThrow(() -> new IllegalStateException(old.name() + ": no postmaster")).pid();
        figures.note("nodes", "leader " + old.name() + ", candidate " + candidate.name() + ", bystander " + bystander.name());

        BiPredicate<AgentProcess, StreamWatch.Receiver> followsCandidate =
                (node, r) -> r.streaming() && r.senderPort() == candidatePort && r.timeline() > oldTimeline;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        // the client's first request loads and starts its machinery: not part of what is measured
        http.send(HttpRequest.newBuilder(URI.create(old.apiUrl() + "/patroni")).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.discarding());

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Measurements.scaled(Duration.ofSeconds(30)));
            // the candidate's StreamWatch sees its promotion, the bystander's when it follows; the old
            // primary is out of recovery until it stops, so its watch starts when its postmaster does
            try (StreamWatch streams = StreamWatch.start(standbys, followsCandidate);
                 PrimaryWatch primaries = PrimaryWatch.start(standbys);
                 OldPrimaryWatch oldWatch = OldPrimaryWatch.start(old, oldPostmaster, followsCandidate)) {
                Optional<Request> request = requestSwitchover(http, old, candidate, figures);
                if (request.isEmpty()) {
                    return figures;
                }
                Request sent = request.get();
                long requested = sent.sent();
                // the wall-clock time lines the figures up with the agents' and PostgreSQL's logs (--keep-logs)
                figures.note("api_answer", "sent at " + sent.sentAt() + ", " + sent.status() + " after "
                        + (sent.answered() - requested) / 1_000_000 + " ms: " + sent.body().strip());

                Optional<PrimaryWatch.Seen> seen = primaries.await(Measurements.scaled(Duration.ofSeconds(30)));
                if (seen.isEmpty()) {
                    figures.note("new_primary", "no standby answered /primary within 30 s of the request: " + cluster.describe());
                    return figures;
                }
                AgentProcess primary = seen.get().node();
                long primaryUp = seen.get().nanos();
                figures.putBetween(Figure.NEW_PRIMARY, requested, primaryUp);
                if (!primary.equals(candidate)) {
                    figures.note("new_primary_node", primary.name() + " instead of the named candidate " + candidate.name());
                }

                Optional<Writer.Ack> first = HostLossScenario.awaitAck(writer, requested, primary, figures);
                first.ifPresent(ack -> figures.putBetween(Figure.FIRST_WRITE, requested, ack.nanos()));

                long promoted = Measurements.promotion(streams, primary, primaryUp, requested, figures);
                long deadline = requested + Measurements.scaled(Measurements.FOLLOW_BOUND).toNanos();
                Map<String, Long> streamed = new LinkedHashMap<>(streams.await(List.of(bystander), remaining(deadline)));
                oldWatch.await(remaining(deadline)).ifPresent(at -> streamed.put(old.name(), at));
                oldWatch.stoppedAt().ifPresent(at -> figures.note("old_postmaster_gone", (at - requested) / 1_000_000
                        + " ms after the request"));
                following(List.of(bystander, old), streamed, streams, oldWatch, requested, promoted, figures);
                first.ifPresent(ack -> HostLossScenario.awaitAck(writer, ack.nanos(), primary, figures));

                writer.stop();
                figures.put(Figure.LONGEST_GAP, writer.longestGap());
                Measurements.standbysRestarted(List.of(bystander), started, figures);
                oldPrimaryRestarts(old, started.get(old.name()), oldWatch, figures);
                Measurements.acknowledgedWritesLost(writer, primary, figures);
                Measurements.staleWrites(writer, primary, promoted, figures);
                Measurements.splitBrain(checker, figures);
            }
        }
        return figures;
    }

    /** What the REST API answered, and when the request was sent and answered ({@link System#nanoTime()}). */
    private record Request(long sent, Instant sentAt, long answered, int status, String body) {
    }

    /**
     * Sends the switchover request; a refusal (412: the candidate's member record does not show it
     * streaming yet, right after bootstrap) changes nothing and is retried, and only the accepted
     * request counts as the start.
     */
    private static Optional<Request> requestSwitchover(HttpClient http, AgentProcess leader, AgentProcess candidate,
                                                       RunFigures figures) throws IOException, InterruptedException {
        HttpRequest post = HttpRequest.newBuilder(URI.create(leader.apiUrl() + "/switchover"))
                .timeout(Measurements.scaled(ANSWER_BOUND))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"leader\": \"" + leader.name() + "\", \"candidate\": \""
                        + candidate.name() + "\"}"))
                .build();
        long deadline = System.nanoTime() + Measurements.scaled(ACCEPT_BOUND).toNanos();
        List<String> refusals = new ArrayList<>();
        while (true) {
            Instant sentAt = Instant.now();
            long sent = System.nanoTime();
            HttpResponse<String> response = http.send(post, HttpResponse.BodyHandlers.ofString());
            long answered = System.nanoTime();
            if (response.statusCode() == 200) {
                if (!refusals.isEmpty()) {
                    figures.note("refused_first", refusals.size() + " refusal(s) before the request was accepted, last: "
                            + refusals.get(refusals.size() - 1));
                }
                return Optional.of(new Request(sent, sentAt, answered, response.statusCode(), response.body()));
            }
            refusals.add(response.statusCode() + " " + response.body().strip());
            if (response.statusCode() != 412 && response.statusCode() != 503 || System.nanoTime() - deadline > 0) {
                figures.note("switchover_request", "not carried out: " + String.join("; ", refusals));
                return Optional.empty();
            }
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
    }

    /** {@link Measurements#following} for followers watched by two watches (the bystander's and the old primary's). */
    private static void following(List<AgentProcess> followers, Map<String, Long> streamed, StreamWatch streams,
                                  OldPrimaryWatch oldWatch, long requested, long promoted, RunFigures figures) {
        List<AgentProcess> missing = followers.stream().filter(f -> !streamed.containsKey(f.name())).toList();
        figures.put(Figure.STANDBYS_NOT_FOLLOWING, missing.size());
        if (missing.isEmpty()) {
            long all = Measurements.latest(streamed);
            figures.putBetween(Figure.ALL_STREAMING, requested, all);
            figures.put(Figure.FOLLOW_AFTER_PROMOTION, Math.max(0, (all - promoted) / 1_000_000.0));
            figures.note("streaming_per_member", streamed.entrySet().stream()
                    .map(e -> e.getKey() + " " + (e.getValue() - requested) / 1_000_000 + " ms")
                    .collect(Collectors.joining(", ")));
        } else {
            figures.note("standbys_not_following", missing.stream().map(f -> f.name() + " (last WAL receiver row "
                    + (f.name().equals(oldWatch.node.name()) ? oldWatch.lastSeen() : String.valueOf(streams.lastSeen(f))) + ")")
                    .collect(Collectors.joining("; ")) + " not streaming from the new primary on a later timeline within "
                    + Measurements.FOLLOW_BOUND + " of the request");
        }
    }

    /** How many times the old primary's postmaster was replaced (distinct pids seen), checked against its start time. */
    private static void oldPrimaryRestarts(AgentProcess old, Instant before, OldPrimaryWatch watch, RunFigures figures) {
        watch.stopPolling();
        int restarts = watch.postmasters().size() - 1;
        figures.put(Figure.OLD_PRIMARY_RESTARTS, restarts);
        try {
            Instant after = old.postmasterStartTime();
            if (after.equals(before) != (restarts == 0)) {
                figures.note("old_primary_restarts", "postmaster pids seen " + watch.postmasters()
                        + " but pg_postmaster_start_time " + before + " → " + after);
            }
        } catch (java.sql.SQLException e) {
            figures.note("old_primary_restarts", old.name() + " does not answer at the end: " + e.getMessage());
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /**
     * The old primary: its postmaster pid polled every {@value #POSTMASTER_POLL_MILLIS} ms (a file
     * read, no connection), recording every postmaster seen; as soon as the original one is gone a
     * {@link StreamWatch} starts on it (before that it is out of recovery, which StreamWatch takes for
     * a promotion and stops), and keeps reconnecting until it streams from the new primary.
     */
    private static final class OldPrimaryWatch implements AutoCloseable {

        private final AgentProcess node;
        private final long originalPid;
        private final BiPredicate<AgentProcess, StreamWatch.Receiver> condition;
        private final Set<Long> postmasters = new LinkedHashSet<>();
        private final AtomicReference<StreamWatch> streams = new AtomicReference<>();
        private final AtomicLong stoppedAt = new AtomicLong();
        private final Thread thread;
        private volatile boolean polling = true;

        private OldPrimaryWatch(AgentProcess node, long originalPid, BiPredicate<AgentProcess, StreamWatch.Receiver> condition) {
            this.node = node;
            this.originalPid = originalPid;
            this.condition = condition;
            synchronized (postmasters) {
                postmasters.add(originalPid);
            }
            this.thread = new Thread(this::poll, "bench-old-primary-watch-" + node.name());
            this.thread.setDaemon(true);
        }

        static OldPrimaryWatch start(AgentProcess node, long originalPid,
                                     BiPredicate<AgentProcess, StreamWatch.Receiver> condition) {
            OldPrimaryWatch watch = new OldPrimaryWatch(node, originalPid, condition);
            watch.thread.start();
            return watch;
        }

        private void poll() {
            while (polling) {
                Optional<Long> pid = node.postmaster().map(ProcessHandle::pid);
                pid.ifPresent(p -> {
                    synchronized (postmasters) {
                        postmasters.add(p);
                    }
                });
                if (streams.get() == null && !pid.equals(Optional.of(originalPid))) {
                    stoppedAt.set(System.nanoTime());
                    streams.set(StreamWatch.start(List.of(node), condition));
                }
                LockSupport.parkNanos(Duration.ofMillis(POSTMASTER_POLL_MILLIS).toNanos());
            }
        }

        /** When the old primary first streamed from the new primary, waiting up to {@code bound}. */
        Optional<Long> await(Duration bound) {
            long deadline = System.nanoTime() + bound.toNanos();
            while (streams.get() == null && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            }
            StreamWatch watch = streams.get();
            if (watch == null) {
                return Optional.empty();
            }
            return Optional.ofNullable(watch.await(List.of(node), remaining(deadline)).get(node.name()));
        }

        /** When the old primary's original postmaster was first seen gone. */
        Optional<Long> stoppedAt() {
            long at = stoppedAt.get();
            return at == 0 ? Optional.empty() : Optional.of(at);
        }

        String lastSeen() {
            StreamWatch watch = streams.get();
            return watch == null ? "none: its original postmaster " + originalPid + " never stopped"
                    : String.valueOf(watch.lastSeen(node));
        }

        List<Long> postmasters() {
            synchronized (postmasters) {
                return List.copyOf(postmasters);
            }
        }

        void stopPolling() {
            polling = false;
            try {
                thread.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            stopPolling();
            StreamWatch watch = streams.get();
            if (watch != null) {
                watch.close();
            }
        }
    }
}
