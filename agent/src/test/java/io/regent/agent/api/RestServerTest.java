package io.regent.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.regent.agent.status.LoopSnapshot;
import io.regent.agent.status.NodeMetrics;
import io.regent.agent.status.NodeStatus;
import io.regent.agent.status.StatusBoard;
import io.regent.common.config.Credentials;
import io.regent.common.config.HostPort;
import io.regent.common.config.Secret;
import io.regent.common.model.Tags;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.HttpException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real server on a loopback port, serving snapshots the test publishes. */
@Timeout(60)
class RestServerTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private static StatusBoard board;
    private static RestServer open;
    private static RestServer guarded;
    private static String openUrl;
    private static String guardedUrl;

    /** Endpoints that exercise the infrastructure the action routes will use. */
    private static final Routes PROBES = router -> {
        router.route(HttpMethod.POST, "/echo").handler(ctx -> ctx.response().end(JsonBodies.object(ctx).encode()));
        router.route(HttpMethod.GET, "/busy").handler(ctx -> ctx.fail(new HttpException(503, "switchover in progress")));
        router.route(HttpMethod.GET, "/boom").handler(ctx -> {
            throw new IllegalStateException("secret detail");
        });
    };

    @BeforeAll
    static void start() throws IOException {
        board = new StatusBoard(NodeStatus.starting("demo", "pg0"), Snapshots.CONFIG);
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        NodeMetrics.bind(metrics, board, () -> Snapshots.NOW);
        board.publish(Snapshots.primary());
        List<Routes> endpoints = new ArrayList<>(List.of(
                new HealthRoutes(board, () -> Snapshots.NOW, new HealthChecks(Tags.DEFAULTS)),
                new StatusRoutes(board), new MetricsRoutes(metrics), PROBES));
        int openPort = freePort();
        open = new RestServer(new HostPort("127.0.0.1", openPort), Optional.empty(), endpoints);
        open.start();
        openUrl = "http://127.0.0.1:" + openPort;
        int guardedPort = freePort();
        guarded = new RestServer(new HostPort("127.0.0.1", guardedPort),
                Optional.of(new Credentials("admin", Secret.of("s3cret"))), endpoints);
        guarded.start();
        guardedUrl = "http://127.0.0.1:" + guardedPort;
    }

    @AfterAll
    static void stop() {
        open.close();
        guarded.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static HttpResponse<String> send(String method, String url, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void health_checks_answer_get_with_the_status_and_head_and_options_without_a_body() throws Exception {
        HttpResponse<String> get = send("GET", openUrl + "/primary", null);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(get.body()).getString("role")).isEqualTo("primary");
        for (String method : List.of("HEAD", "OPTIONS")) {
            HttpResponse<String> answer = send(method, openUrl + "/primary", null);
            assertThat(answer.statusCode()).as(method).isEqualTo(200);
            assertThat(answer.body()).as(method).isEmpty();
        }
        assertThat(send("OPTIONS", openUrl + "/replica", null).statusCode()).isEqualTo(503);
        assertThat(send("GET", openUrl + "/", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", openUrl + "/master", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", openUrl + "/read-only", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", openUrl + "/async", null).statusCode()).isEqualTo(503);
    }

    @Test
    void a_bad_query_parameter_is_a_400_with_a_message() throws Exception {
        HttpResponse<String> answer = send("GET", openUrl + "/replica?lag=abc", null);
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).startsWith("lag: expected a number of bytes");
    }

    @Test
    void cluster_history_and_config_come_from_the_published_view() throws Exception {
        JsonObject cluster = new JsonObject(send("GET", openUrl + "/cluster", null).body());
        assertThat(cluster.getJsonArray("members")).hasSize(3);
        assertThat(new JsonArray(send("GET", openUrl + "/history", null).body()).getJsonArray(0).getInteger(0)).isEqualTo(1);
        assertThat(new JsonObject(send("GET", openUrl + "/config", null).body()).getInteger("ttl")).isEqualTo(30);
    }

    @Test
    void metrics_are_prometheus_text_with_the_role() throws Exception {
        HttpResponse<String> answer = send("GET", openUrl + "/metrics", null);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(answer.body()).contains("regent_role{role=\"primary\"} 1.0").contains("regent_leader 1.0")
                .contains("regent_timeline 1.0").contains("regent_decisions_total{kind=\"KeepLeading\"}")
                .contains("regent_ha_loop_duration_seconds_count").contains("regent_lease_remaining_seconds 10.0")
                .contains("regent_postgres_running 1.0");
    }

    @Test
    void unknown_paths_are_404_and_known_paths_with_another_method_405() throws Exception {
        assertThat(send("GET", openUrl + "/nowhere", null).statusCode()).isEqualTo(404);
        assertThat(send("HEAD", openUrl + "/nowhere", null).statusCode()).isEqualTo(404);
        assertThat(send("POST", openUrl + "/patroni", "{}").statusCode()).isEqualTo(405);
        assertThat(send("DELETE", openUrl + "/primary", null).statusCode()).isEqualTo(405);
        assertThat(send("POST", openUrl + "/nowhere", "{}").statusCode()).isEqualTo(404);
    }

    @Test
    void malformed_and_oversized_bodies_are_400_never_500() throws Exception {
        assertThat(send("POST", openUrl + "/echo", "{\"leader\": \"pg0\"}").body()).isEqualTo("{\"leader\":\"pg0\"}");
        HttpResponse<String> malformed = send("POST", openUrl + "/echo", "{\"leader\": ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).startsWith("malformed JSON body");
        HttpResponse<String> notAnObject = send("POST", openUrl + "/echo", "[1]");
        assertThat(notAnObject.statusCode()).isEqualTo(400);
        assertThat(notAnObject.body()).contains("must be a JSON object");
        assertThat(send("POST", openUrl + "/echo", null).statusCode()).isEqualTo(400);
        HttpResponse<String> oversized = send("POST", openUrl + "/echo", "{\"x\":\"" + "a".repeat(100_000) + "\"}");
        assertThat(oversized.statusCode()).isEqualTo(400);
        assertThat(oversized.body()).contains("larger than");
    }

    @Test
    void a_handler_that_fails_with_a_status_gets_that_status_and_its_message() throws Exception {
        HttpResponse<String> answer = send("GET", openUrl + "/busy", null);
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.body()).isEqualTo("switchover in progress\n");
    }

    @Test
    void an_unexpected_exception_is_a_short_500() throws Exception {
        HttpResponse<String> answer = send("GET", openUrl + "/boom", null);
        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.body()).startsWith("internal error: IllegalStateException").doesNotContain("secret detail")
                .doesNotContain("at io.");
    }

    @Test
    void with_authentication_an_unsafe_request_needs_the_right_credentials_whatever_the_path() throws Exception {
        for (String path : List.of("/echo", "/restart", "/patroni")) {
            HttpResponse<String> anonymous = send("POST", guardedUrl + path, "{}");
            assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
            assertThat(send("POST", guardedUrl + path, "{}", "Authorization", basic("admin", "wrong")).statusCode())
                    .as(path).isEqualTo(401);
            assertThat(send("POST", guardedUrl + path, "{}", "Authorization", basic("admin2", "s3cret")).statusCode())
                    .as(path).isEqualTo(401);
            assertThat(send("POST", guardedUrl + path, "{}", "Authorization", "Basic !!!").statusCode()).as(path).isEqualTo(401);
        }
        assertThat(send("PATCH", guardedUrl + "/config", "{}").statusCode()).isEqualTo(401);
        assertThat(send("DELETE", guardedUrl + "/switchover", null).statusCode()).isEqualTo(401);
        String good = basic("admin", "s3cret");
        assertThat(send("POST", guardedUrl + "/echo", "{}", "Authorization", good).statusCode()).isEqualTo(200);
        assertThat(send("POST", guardedUrl + "/restart", "{}", "Authorization", good).statusCode()).isEqualTo(404);
        assertThat(send("POST", guardedUrl + "/patroni", "{}", "Authorization", good).statusCode()).isEqualTo(405);
        assertThat(send("GET", guardedUrl + "/patroni", null).statusCode()).as("safe methods stay open").isEqualTo(200);
        assertThat(send("OPTIONS", guardedUrl + "/primary", null).statusCode()).isEqualTo(200);
    }

    @Test
    void every_health_check_reads_the_latest_published_snapshot() throws Exception {
        LoopSnapshot before = board.snapshot();
        try {
            board.publish(Snapshots.replica(2048));
            assertThat(send("GET", openUrl + "/replica", null).statusCode()).isEqualTo(200);
            assertThat(send("GET", openUrl + "/replica?lag=1kB", null).statusCode()).isEqualTo(503);
            assertThat(send("GET", openUrl + "/replica?lag=2kB", null).statusCode()).isEqualTo(200);
            assertThat(send("GET", openUrl + "/primary", null).statusCode()).isEqualTo(503);
        } finally {
            board.publish(before);
        }
    }
}
