package io.regent.tests.bench;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code regentctl reinit MEMBER}'s work, timed: {@code POST /reinitialize} to a streaming standby of a
 * 3-member cluster at rest (what regentctl sends, without its JVM start-up); the agent stops PostgreSQL,
 * moves the data directory aside, clones the leader with pg_basebackup and starts again. Measured to
 * the agent's answer (it answers when the job has ended) and to the standby streaming again (a new WAL
 * receiver from the leader). The cluster's size is in the run's notes.
 */
final class ReinitScenario implements BenchScenario {

    private static final Duration BOUND = Duration.ofSeconds(120);

    @Override
    public String name() {
        return "reinit";
    }

    @Override
    public String description() {
        return "POST /reinitialize to a streaming standby of a 3-member cluster at rest (pg_basebackup from the leader)";
    }

    @Override
    public Map<Figure, String> goals() {
        return new EnumMap<>(Figure.class);
    }

    @Override
    public RunFigures run(BenchContext context) throws Exception {
        return ClusterRun.with(context, 3, this::runOn);
    }

    private RunFigures runOn(RegentCluster cluster) throws Exception {
        RunFigures figures = new RunFigures();
        AgentProcess leader = Measurements.awaitSteady(cluster);
        AgentProcess standby = Measurements.othersThan(cluster, leader).get(0);
        figures.note("size", "leader's databases " + leader.queryValue("SELECT pg_size_pretty(sum(pg_database_size(datname)))"
                + " FROM pg_database") + ", WAL since initdb " + leader.queryValue(
                "SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0'))"));
        int receiverBefore = StreamWatch.receiverOf(standby).map(StreamWatch.Receiver::pid).orElse(0);
        int port = leader.pgPort();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        // the client's first request loads and starts its machinery: not part of what is measured
        http.send(HttpRequest.newBuilder(URI.create(standby.apiUrl() + "/patroni")).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        try (StreamWatch streams = StreamWatch.start(List.of(standby),
                (node, r) -> r.streaming() && r.senderPort() == port && r.pid() != receiverBefore)) {
            long requested = System.nanoTime();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(standby.apiUrl() + "/reinitialize"))
                    .timeout(Measurements.scaled(BOUND)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            long answered = System.nanoTime();
            figures.note("api_answer", answer.statusCode() + " after " + (answered - requested) / 1_000_000 + " ms: "
                    + answer.body().strip());
            if (answer.statusCode() != 200) {
                return figures;
            }
            figures.putBetween(Figure.REINIT_API, requested, answered);
            Map<String, Long> streamed = streams.await(List.of(standby), Measurements.scaled(BOUND));
            if (streamed.containsKey(standby.name())) {
                figures.putBetween(Figure.REINIT, requested, streamed.get(standby.name()));
            } else {
                figures.note("reinit", standby.name() + " not streaming again within " + BOUND + "; last WAL receiver row "
                        + streams.lastSeen(standby));
            }
        }
        return figures;
    }
}
