package io.regent.tests.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.Timing;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The REST API on a real 3-node cluster, as a load balancer, a monitoring system and an operator's
 * script see it: every endpoint's status code on the primary, on a standby and on a node whose
 * PostgreSQL cannot run; HEAD and OPTIONS without a body; the lag and tag filters; {@code /cluster}
 * against what PostgreSQL says; {@code /metrics} as Prometheus text. One cluster for the whole class;
 * the test that breaks a node runs last.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestApiIT {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SETTLE = Duration.ofSeconds(15);
    /** A line of Prometheus' text format: {@code name{label="value",…} value}. */
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*})? (NaN|[+-]Inf|[-+]?[0-9.]+([eE][-+]?[0-9]+)?)");

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    private static AgentProcess primary;
    private static List<AgentProcess> standbys;

    @BeforeAll
    static void steadyCluster() {
        primary = Failover.awaitSteadyCluster(cluster);
        standbys = Failover.othersThan(cluster, primary);
        for (AgentProcess standby : standbys) {
            Failover.await(standby.name() + " answering /replica", SETTLE, () -> status("GET", standby, "/replica") == 200);
        }
    }

    /** Every health check and the status code it must give on a node in some state. */
    private static Map<String, Integer> expected(int primaryCode, int replicaCode, int readOnly, int health, int readiness) {
        Map<String, Integer> codes = new LinkedHashMap<>();
        for (String path : List.of("/", "/primary", "/leader", "/master", "/read-write")) {
            codes.put(path, primaryCode);
        }
        codes.put("/replica", replicaCode);
        codes.put("/read-only", readOnly);
        codes.put("/sync", 503);
        codes.put("/synchronous", 503);
        codes.put("/async", replicaCode);
        codes.put("/asynchronous", replicaCode);
        codes.put("/health", health);
        codes.put("/liveness", 200);
        codes.put("/readiness", readiness);
        return codes;
    }

    @Test
    @Order(1)
    void theHealthChecksOnThePrimaryAnswerAsPatroniDoesForEveryMethod() throws Exception {
        assertHealthChecks(primary, expected(200, 503, 200, 200, 200));
        JsonNode body = JSON.readTree(send("GET", primary, "/primary", null).body());
        assertThat(body.path("role").asText()).isEqualTo("primary");
        assertThat(body.path("name").asText()).isEqualTo(primary.name());
    }

    @Test
    @Order(2)
    void theHealthChecksOnAStreamingStandbyAnswerAsPatroniDoesForEveryMethod() throws Exception {
        for (AgentProcess standby : standbys) {
            assertHealthChecks(standby, expected(503, 200, 200, 200, 200));
            JsonNode body = JSON.readTree(send("GET", standby, "/replica", null).body());
            assertThat(body.path("role").asText()).isEqualTo("replica");
            assertThat(body.path("upstream").asText()).isEqualTo(primary.name());
        }
    }

    @Test
    @Order(3)
    void theLagFilterComparesWithTheLeaderPositionAndTagFiltersWithTheMemberTags() throws Exception {
        AgentProcess standby = standbys.get(0);
        assertThat(status("GET", standby, "/replica?lag=16MB")).isEqualTo(200);
        assertThat(status("GET", standby, "/replica?tag_location=default&tag_nofailover=false")).isEqualTo(200);
        assertThat(status("GET", standby, "/replica?tag_location=elsewhere")).isEqualTo(503);
        HttpResponse<String> bad = send("GET", standby, "/replica?lag=abc", null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("lag");
        assertThat(status("HEAD", standby, "/replica?lag=abc")).isEqualTo(400);

        standby.pauseWalReceiver();
        try {
            primary.execute("CREATE TABLE rest_api_lag AS SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 5000) g");
            Failover.await(standby.name() + " reported behind by more than 64kB", Duration.ofSeconds(8),
                    () -> status("GET", standby, "/replica?lag=64kB") == 503);
            assertThat(status("OPTIONS", standby, "/replica?lag=64kB")).isEqualTo(503);
            assertThat(status("GET", standby, "/read-only?lag=64kB")).isEqualTo(503);
            assertThat(status("GET", standby, "/replica?lag=1GB")).isEqualTo(200);
            assertThat(status("GET", standby, "/replica")).isEqualTo(200);
            assertThat(status("GET", standby, "/readiness?lag=64kB")).isEqualTo(503);
            // the primary's /cluster is as of its last cycle: up to loop_wait behind the standby's own view
            Failover.await("/cluster on the primary shows " + standby.name() + " more than 64kB behind", SETTLE, () -> {
                try {
                    return clusterMember(JSON.readTree(send("GET", primary, "/cluster", null).body()), standby.name())
                            .path("lag").asLong() > 64 * 1024;
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
        } finally {
            standby.resumeWalReceiver();
        }
        Failover.await(standby.name() + " caught up", SETTLE, () -> status("GET", standby, "/replica?lag=64kB") == 200);
    }

    @Test
    @Order(4)
    void clusterShowsEveryMemberAsPostgresqlSeesIt() throws Exception {
        int timeline = primary.timeline();
        for (AgentProcess asked : cluster.nodes()) {
            JsonNode doc = JSON.readTree(send("GET", asked, "/cluster", null).body());
            assertThat(doc.path("members")).as("members according to %s", asked.name()).hasSize(3);
            assertThat(doc.has("pause")).isFalse();
            assertThat(doc.has("scheduled_switchover")).isFalse();
            JsonNode leader = clusterMember(doc, primary.name());
            assertThat(leader.path("role").asText()).isEqualTo("leader");
            assertThat(leader.path("state").asText()).isEqualTo("running");
            assertThat(leader.has("lag")).isFalse();
            for (AgentProcess node : cluster.nodes()) {
                JsonNode member = clusterMember(doc, node.name());
                assertThat(member.path("host").asText()).isEqualTo("127.0.0.1");
                assertThat(member.path("port").asInt()).isEqualTo(node.pgPort());
                assertThat(member.path("api_url").asText()).isEqualTo(node.apiUrl() + "/patroni");
                assertThat(member.path("timeline").asInt()).isEqualTo(timeline);
                assertThat(member.path("tags").path("priority").asInt()).isEqualTo(100);
            }
            for (AgentProcess standby : standbys) {
                JsonNode member = clusterMember(doc, standby.name());
                assertThat(member.path("role").asText()).isEqualTo("replica");
                assertThat(member.path("state").asText()).isEqualTo("streaming");
                assertThat(member.path("lag").isIntegralNumber()).as("lag of %s: %s", standby.name(), member.path("lag")).isTrue();
            }
        }
        JsonNode history = JSON.readTree(send("GET", standbys.get(0), "/history", null).body());
        assertThat(history.isArray()).isTrue();
        assertThat(history).hasSize(cluster.history().size());
        JsonNode config = JSON.readTree(send("GET", standbys.get(0), "/config", null).body());
        assertThat(config.path("ttl").asInt()).isEqualTo(10);
        assertThat(config.path("loop_wait").asInt()).isEqualTo(1);
        JsonNode patroni = JSON.readTree(send("GET", primary, "/patroni", null).body());
        assertThat(patroni.path("timeline").asInt()).isEqualTo(timeline);
        assertThat(patroni.path("patroni").path("scope").asText()).isEqualTo(cluster.scope());
    }

    @Test
    @Order(5)
    void metricsAreValidPrometheusTextWithRoleTimelineLsnsLeaseLoopAndDecisions() throws Exception {
        Map<String, Double> onPrimary = metrics(primary);
        assertThat(onPrimary).containsEntry("regent_role{role=\"primary\"}", 1.0).containsEntry("regent_role{role=\"replica\"}", 0.0)
                .containsEntry("regent_leader", 1.0).containsEntry("regent_postgres_running", 1.0)
                .containsEntry("regent_timeline", (double) primary.timeline());
        assertThat(onPrimary.get("regent_lease_remaining_seconds")).isGreaterThan(0.0);
        assertThat(onPrimary.get("regent_xlog_location_bytes")).isGreaterThan(0.0);
        assertThat(onPrimary.get("regent_ha_loop_duration_seconds_count")).isGreaterThan(0.0);
        assertThat(onPrimary.keySet()).anyMatch(name -> name.startsWith("regent_decisions_total{kind=\""));

        Map<String, Double> onStandby = metrics(standbys.get(1));
        assertThat(onStandby).containsEntry("regent_role{role=\"replica\"}", 1.0).containsEntry("regent_leader", 0.0);
        assertThat(onStandby.get("regent_replication_lag_bytes")).isGreaterThanOrEqualTo(0.0);
        assertThat(onStandby.get("regent_leader_xlog_location_bytes")).isGreaterThan(0.0);
    }

    @Test
    @Order(6)
    void unsafeRequestsForUnknownPathsOrMethodsAreClientErrorsNever500() throws Exception {
        // without restapi authentication configured (as in this cluster) an unsafe request is routed as any other
        assertThat(send("POST", primary, "/nowhere", "{").statusCode()).isEqualTo(404);
        assertThat(send("POST", primary, "/patroni", "{not json").statusCode()).isEqualTo(405);
        assertThat(send("DELETE", primary, "/primary", null).statusCode()).isEqualTo(405);
        assertThat(send("GET", primary, "/nowhere", null).statusCode()).isEqualTo(404);
        assertThat(send("POST", primary, "/patroni", "x".repeat(200_000)).statusCode()).isIn(400, 405);
    }

    @Test
    @Order(7)
    void patchConfigMergesIntoTheKeyAndRefusesWhatTheAgentsWouldReject() throws Exception {
        String key = cluster.keyPrefix() + "config";
        etcd.etcdctl("put", key, "{\"ttl\": 10, \"loop_wait\": 1, \"retry_timeout\": 3, \"postgresql\": {\"parameters\": {\"work_mem\": \"4MB\"}}}");

        HttpResponse<String> patched = send("PATCH", standbys.get(0), "/config", "{\"maximum_lag_on_failover\": 2097152}");

        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        JsonNode stored = JSON.readTree(etcd.etcdctl("get", key, "--print-value-only"));
        assertThat(stored.path("maximum_lag_on_failover").asLong()).isEqualTo(2_097_152L);
        assertThat(stored.path("postgresql").path("parameters").path("work_mem").asText())
                .as("keys Regent does not model are kept").isEqualTo("4MB");
        assertThat(JSON.readTree(patched.body()).path("maximum_lag_on_failover").asLong()).isEqualTo(2_097_152L);

        HttpResponse<String> unsafe = send("PATCH", primary, "/config", "{\"ttl\": 2}");
        assertThat(unsafe.statusCode()).as(unsafe.body()).isEqualTo(400);
        assertThat(unsafe.body()).contains("loop_wait + 2*retry_timeout");
        assertThat(JSON.readTree(etcd.etcdctl("get", key, "--print-value-only")).path("ttl").asInt()).isEqualTo(10);

        HttpResponse<String> removed = send("PATCH", primary, "/config", "{\"postgresql\": null}");
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(JSON.readTree(etcd.etcdctl("get", key, "--print-value-only")).has("postgresql")).isFalse();

        assertThat(send("PATCH", primary, "/config", "[1, 2]").statusCode()).isEqualTo(400);
    }

    @Test
    @Order(100)
    void aNodeWhosePostgresqlCannotRunAnswersOnlyLiveness() throws Exception {
        AgentProcess broken = standbys.get(1);
        // postgresql.auto.conf is read at start: the agent's restarts fail on it, and it keeps trying
        Files.writeString(broken.dataDir().resolve("postgresql.auto.conf"),
                "\nshared_preload_libraries = 'regent_it_missing_library'\n", StandardOpenOption.APPEND);
        broken.crashPostmaster();
        Failover.await(broken.name() + " reporting PostgreSQL down", SETTLE,
                () -> status("GET", broken, "/health") == 503 && !broken.isPostgresRunning());

        assertHealthChecks(broken, expected(503, 503, 503, 503, 503));
        JsonNode body = JSON.readTree(send("GET", broken, "/patroni", null).body());
        assertThat(body.path("state").asText()).isNotEqualTo("running");
        assertThat(metrics(broken)).containsEntry("regent_postgres_running", 0.0);
        Failover.await("/cluster on the primary showing " + broken.name() + " not running", SETTLE, () -> {
            try {
                JsonNode member = clusterMember(JSON.readTree(send("GET", primary, "/cluster", null).body()), broken.name());
                return !member.path("state").asText().equals("running") && !member.path("state").asText().equals("streaming");
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
        assertThat(status("GET", primary, "/primary")).as("the primary is unaffected").isEqualTo(200);
    }

    // ---- helpers

    /** GET, HEAD and OPTIONS give each path its expected code; only GET has a body. */
    private static void assertHealthChecks(AgentProcess node, Map<String, Integer> expected) throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Integer> check : expected.entrySet()) {
            for (String method : List.of("GET", "HEAD", "OPTIONS")) {
                HttpResponse<String> answer = send(method, node, check.getKey(), null);
                if (answer.statusCode() != check.getValue()) {
                    wrong.add(method + " " + check.getKey() + " -> " + answer.statusCode() + " (expected " + check.getValue() + ")");
                }
                if (method.equals("GET") ? answer.body().isEmpty() : !answer.body().isEmpty()) {
                    wrong.add(method + " " + check.getKey() + " body: '" + answer.body() + "'");
                }
            }
        }
        assertThat(wrong).as("health checks on %s", node.name()).isEmpty();
    }

    private static JsonNode clusterMember(JsonNode cluster, String name) {
        for (JsonNode member : cluster.path("members")) {
            if (member.path("name").asText().equals(name)) {
                return member;
            }
        }
        throw new AssertionError("no member " + name + " in " + cluster);
    }

    /**
     * {@code GET /metrics}, every line checked against the text format and for the {@code scope} and
     * {@code name} labels; samples keyed by name and their other labels ({@code regent_role{role="primary"}}).
     */
    private static Map<String, Double> metrics(AgentProcess node) throws Exception {
        HttpResponse<String> answer = send("GET", node, "/metrics", null);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : answer.body().split("\n")) {
            if (line.isBlank() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            assertThat(line).as("a sample line of /metrics").matches(SAMPLE).startsWith("regent_");
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            int brace = series.indexOf('{');
            String name = brace < 0 ? series : series.substring(0, brace);
            Map<String, String> labels = new LinkedHashMap<>();
            Matcher label = LABEL.matcher(brace < 0 ? "" : series.substring(brace));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            assertThat(labels).as("labels of %s", series).containsEntry("name", node.name()).containsEntry("scope", cluster.scope());
            labels.remove("name");
            labels.remove("scope");
            String key = labels.isEmpty() ? name : name + labels.entrySet().stream()
                    .map(e -> e.getKey() + "=\"" + e.getValue() + "\"").collect(Collectors.joining(",", "{", "}"));
            samples.put(key, Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    private static int status(String method, AgentProcess node, String path) {
        try {
            return send(method, node, path, null).statusCode();
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }
    }

    private static HttpResponse<String> send(String method, AgentProcess node, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.apiUrl() + path)).timeout(Timing.scaled(Duration.ofSeconds(10)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
