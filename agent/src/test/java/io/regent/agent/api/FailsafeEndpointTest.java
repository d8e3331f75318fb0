package io.regent.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.agent.ha.FailsafeCalls;
import io.regent.agent.ha.FailsafeInput;
import io.regent.agent.ha.FailsafeRules;
import io.regent.agent.status.StatusBoard;
import io.regent.agent.status.NodeStatus;
import io.regent.common.config.Credentials;
import io.regent.common.config.HostPort;
import io.regent.common.config.Secret;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code POST /failsafe} on a real server behind basic authentication, called by the leader's own client
 * ({@link HttpFailsafeProbe}): who accepts, who refuses and why, and what the standby keeps of an accepted call.
 */
@Timeout(30)
class FailsafeEndpointTest {

    private static final Credentials CREDENTIALS = new Credentials("admin", Secret.of("s3cret"));
    private static final FailsafeRules.Call FROM_PG0 = new FailsafeRules.Call("pg0", "postgres://127.0.0.1:5432/postgres",
            "http://127.0.0.1:8008/patroni");
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private static StatusBoard board;
    private static FailsafeCalls calls;
    private static RestServer server;
    private static String url;

    @BeforeAll
    static void start() throws IOException {
        board = new StatusBoard(NodeStatus.starting("demo", "pg1"), Snapshots.CONFIG);
        calls = new FailsafeCalls(() -> Snapshots.NOW);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        server = new RestServer(new HostPort("127.0.0.1", port), Optional.of(CREDENTIALS), List.of(new FailsafeRoutes(board, calls)));
        server.start();
        url = "http://127.0.0.1:" + port + "/patroni";
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void aStandbyOfPg0() {
        board.publish(Snapshots.replica(0));
    }

    private static FailsafeInput.Confirmation ask(Optional<Credentials> credentials, FailsafeRules.Call call) {
        return new HttpFailsafeProbe(credentials).confirm(Map.of("pg1", url), call, TIMEOUT);
    }

    @Test
    void aStandbyAcceptsItsLeaderAndKeepsTheCall() {
        FailsafeInput.Confirmation confirmation = ask(Optional.of(CREDENTIALS), FROM_PG0);

        assertThat(confirmation.accepted("pg1")).as(confirmation.notAccepted().toString()).isTrue();
        assertThat(calls.latest()).hasValueSatisfying(call -> {
            assertThat(call.name()).isEqualTo("pg0");
            assertThat(call.apiUrl()).isEqualTo("http://127.0.0.1:8008/patroni");
        });
    }

    @Test
    void withoutTheCredentialsTheCallIsNotAccepted() {
        FailsafeInput.Confirmation confirmation = ask(Optional.empty(), FROM_PG0);

        assertThat(confirmation.notAccepted()).containsOnlyKeys("pg1");
        assertThat(confirmation.notAccepted().get("pg1")).startsWith("answered 401");
    }

    @Test
    void aStandbyRefusesALeaderOtherThanTheOneItsViewNames() {
        FailsafeRules.Call impostor = new FailsafeRules.Call("pg2", null, "http://127.0.0.1:8010/patroni");

        assertThat(ask(Optional.of(CREDENTIALS), impostor).notAccepted())
                .containsEntry("pg1", "answered 409: the leader key names pg0, not pg2");
    }

    @Test
    void aMemberRunningAsPrimaryRefuses() {
        board.publish(Snapshots.primary());

        assertThat(ask(Optional.of(CREDENTIALS), new FailsafeRules.Call("pg1", null, null)).notAccepted())
                .containsEntry("pg1", "answered 409: running as a primary");
    }

    @Test
    void aMemberThatDoesNotAnswerDidNotAccept() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        FailsafeInput.Confirmation confirmation = new HttpFailsafeProbe(Optional.of(CREDENTIALS))
                .confirm(Map.of("pg2", "http://127.0.0.1:" + closed + "/patroni"), FROM_PG0, TIMEOUT);

        assertThat(confirmation.accepted("pg2")).isFalse();
        assertThat(confirmation.notAccepted().get("pg2")).contains("ConnectException");
    }

    @Test
    void aBodyWithoutTheLeadersNameIsA400() {
        assertThat(ask(Optional.of(CREDENTIALS), new FailsafeRules.Call("", null, null)).notAccepted().get("pg1"))
                .startsWith("answered 400");
    }
}
