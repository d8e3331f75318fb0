package io.regent.controller.cli;

import static io.regent.controller.fixture.Views.cluster;
import static io.regent.controller.fixture.Views.member;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.regent.common.model.ClusterView;
import io.regent.controller.fixture.FakeAdmin;
import io.regent.controller.fixture.RecordingAgent;
import io.regent.controller.fixture.RecordingAgent.Request;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The action commands against agents' REST APIs stood in for by local HTTP servers that record each
 * request: the Patroni-compatible method, path and body, basic auth, and how each answer is reported.
 */
class ActionCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecordingAgent node1 = new RecordingAgent();
    private final RecordingAgent node2 = new RecordingAgent();
    private final FakeAdmin admin = new FakeAdmin(demo(node1.url(), node2.url()), "{}");

    @AfterEach
    void stopAgents() {
        node1.close();
        node2.close();
    }

    private static ClusterView demo(String node1Api, String node2Api) {
        return cluster("node1",
                member("node1").primary().xlog(100).apiUrl(node1Api + "/patroni").build(),
                member("node2").replicaOf("node1").xlog(100).apiUrl(node2Api).build(),
                member("node3").replicaOf("node1").xlog(100).apiUrl("http://127.0.0.1:1").nofailover().build());
    }

    private static Map<String, Object> body(Request request) throws Exception {
        return JSON.readValue(request.body(), Map.class);
    }

    @Test
    void switchoverPostsPatronisBodyToTheLeader() throws Exception {
        node1.answer(200, "Successfully switched over to \"node2\"");

        CommandRun run = CommandRun.of(admin, "switchover", "--leader", "node1", "--candidate", "node2", "--force");

        assertThat(run.exitCode).isZero();
        assertThat(run.out()).isEqualTo("Success: switchover of cluster demo from node1 to node2 (node1):"
                + " Successfully switched over to \"node2\"\n");
        assertThat(node1.requests()).hasSize(1);
        Request request = node1.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/switchover");
        assertThat(body(request)).containsExactlyInAnyOrderEntriesOf(Map.of("leader", "node1", "candidate", "node2"));
        assertThat(request.authorization()).isNull();
        assertThat(node2.requests()).isEmpty();
    }

    @Test
    void aScheduledSwitchoverCarriesItsTimeAndReportsScheduled() throws Exception {
        node1.answer(202, "{\"message\": \"Switchover scheduled\"}");

        CommandRun run = CommandRun.of(admin, "switchover", "--scheduled", "2099-01-01T10:00:00+01:00", "--force");

        assertThat(run.exitCode).isZero();
        assertThat(run.out()).isEqualTo("Scheduled: switchover of cluster demo from node1 (node1): Switchover scheduled\n");
        assertThat(body(node1.requests().get(0))).containsExactlyInAnyOrderEntriesOf(
                Map.of("leader", "node1", "scheduled_at", "2099-01-01T09:00:00Z"));
    }

    @Test
    void theAgentsRefusalIsOneLineAndExit1() {
        node1.answer(412, "candidate node2 lags 48 MB behind,\n more than maximum_lag_on_failover 1 MB");

        CommandRun run = CommandRun.of(admin, "switchover", "--candidate", "node2", "--force");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err()).isEqualTo("regentctl: switchover of cluster demo from node1 to node2 refused by node1 (HTTP 412):"
                + " candidate node2 lags 48 MB behind, more than maximum_lag_on_failover 1 MB\n");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void switchoverIsCheckedLocallyBeforeAnyAgentIsAsked() {
        assertThat(CommandRun.of(admin, "switchover", "--candidate", "node9", "--force").err())
                .isEqualTo("regentctl: refused: node9 is not a member of cluster demo (members: node1, node2, node3)\n");
        assertThat(CommandRun.of(admin, "switchover", "--candidate", "node1", "--force").err())
                .isEqualTo("regentctl: refused: node1 is already the leader of cluster demo\n");
        assertThat(CommandRun.of(admin, "switchover", "--candidate", "node3", "--force").err())
                .isEqualTo("regentctl: refused: node3 is tagged nofailover and is never promoted\n");
        assertThat(CommandRun.of(admin, "switchover", "--leader", "node2", "--force").err())
                .isEqualTo("regentctl: refused: node2 is not the leader of cluster demo (node1 is)\n");
        FakeAdmin leaderless = new FakeAdmin(cluster(null, member("node2").apiUrl(node2.url()).build()), "{}");
        CommandRun noLeader = CommandRun.of(leaderless, "switchover", "--force");
        assertThat(noLeader.exitCode).isEqualTo(1);
        assertThat(noLeader.err()).isEqualTo("regentctl: refused: cluster demo has no leader; a switchover needs a running leader"
                + " (use 'regentctl failover --candidate NAME')\n");
        CommandRun past = CommandRun.of(admin, "switchover", "--scheduled", "2001-01-01T00:00:00Z", "--force");
        assertThat(past.exitCode).isEqualTo(2);
        assertThat(past.err()).startsWith("regentctl: --scheduled: 2001-01-01T00:00:00Z is in the past\n");
        assertThat(node1.requests()).isEmpty();
        assertThat(node2.requests()).isEmpty();
    }

    @Test
    void withoutATerminalAndWithoutForceNothingIsSent() {
        CommandRun run = CommandRun.of(admin, "switchover", "--candidate", "node2");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err()).isEqualTo("regentctl: not confirmed: no terminal to ask whether to switchover cluster demo"
                + " (add --force to go ahead)\n");
        assertThat(node1.requests()).isEmpty();
    }

    @Test
    void theOperatorIsAskedInPatronisWords() {
        ScriptedTerminal yes = new ScriptedTerminal("y");
        CommandRun confirmed = CommandRun.of(admin, yes, Map.of(), "switchover");
        assertThat(confirmed.exitCode).isZero();
        assertThat(yes.prompts).containsExactly("Are you sure you want to switchover cluster demo, demoting node1? [y/N]: ");

        CommandRun declined = CommandRun.of(admin, new ScriptedTerminal(""), Map.of(), "switchover");
        assertThat(declined.exitCode).isEqualTo(1);
        assertThat(declined.err()).isEqualTo("regentctl: aborted: did not switchover cluster demo\n");
        assertThat(node1.requests()).hasSize(1);
    }

    @Test
    void cancelDeletesTheScheduledSwitchoverOnTheLeader() {
        admin.view = io.regent.controller.fixture.Views.withFailover(admin.view,
                io.regent.common.model.FailoverRequest.switchover("node1", java.util.Optional.empty(),
                        java.util.Optional.of(java.time.Instant.parse("2099-01-01T00:00:00Z"))));

        CommandRun run = CommandRun.of(admin, "switchover", "--cancel");

        assertThat(run.exitCode).isZero();
        assertThat(node1.requests()).extracting(Request::method, Request::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("DELETE", "/switchover"));
    }

    @Test
    void failoverPostsTheCandidateAndTriesTheNextMemberOnlyWhenOneIsUnreachable() throws Exception {
        node1.close();
        node2.answer(200, "Successfully failed over to \"node2\"");

        CommandRun run = CommandRun.of(admin, "failover", "--candidate", "node2", "--force");

        assertThat(run.exitCode).isZero();
        assertThat(run.out()).isEqualTo("Success: failover of cluster demo to node2 (node2): Successfully failed over to \"node2\"\n");
        assertThat(node2.requests()).hasSize(1);
        assertThat(node2.requests().get(0).path()).isEqualTo("/failover");
        assertThat(body(node2.requests().get(0))).containsExactlyEntriesOf(Map.of("candidate", "node2"));
    }

    @Test
    void failoverRefusesTheLeaderAndANofailoverMember() {
        assertThat(CommandRun.of(admin, "failover", "--candidate", "node1", "--force").err())
                .isEqualTo("regentctl: refused: node1 is already the leader of cluster demo\n");
        assertThat(CommandRun.of(admin, "failover", "--candidate", "node3", "--force").err())
                .isEqualTo("regentctl: refused: node3 is tagged nofailover and is never promoted\n");
        assertThat(CommandRun.of(admin, "failover", "--force").exitCode).isEqualTo(2);
    }

    @Test
    void anUnreachableAgentIsOneLineAndExit1() {
        node1.close();

        CommandRun run = CommandRun.of(admin, "switchover", "--force");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err()).matches("regentctl: node1's REST API is unreachable: POST http://127.0.0.1:\\d+/switchover: .+\n");
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void restartReinitAndReloadGoToEachMembersOwnApi() {
        assertThat(CommandRun.of(admin, "restart", "node2", "--force").exitCode).isZero();
        assertThat(CommandRun.of(admin, "reinit", "node2", "--force").exitCode).isZero();
        assertThat(CommandRun.of(admin, "reload", "node1", "node2", "--force").exitCode).isZero();

        assertThat(node2.requests()).extracting(Request::method, Request::path).containsExactly(
                org.assertj.core.groups.Tuple.tuple("POST", "/restart"),
                org.assertj.core.groups.Tuple.tuple("POST", "/reinitialize"),
                org.assertj.core.groups.Tuple.tuple("POST", "/reload"));
        assertThat(node1.requests()).extracting(Request::path).containsExactly("/reload");
    }

    @Test
    void reinitOfTheLeaderOrAnUnknownMemberIsRefused() {
        assertThat(CommandRun.of(admin, "reinit", "node1", "--force").err())
                .isEqualTo("regentctl: refused: node1 holds the leader key of cluster demo; only a standby can be rebuilt"
                        + " (switch over first)\n");
        assertThat(CommandRun.of(admin, "restart", "ghost", "--force").err())
                .isEqualTo("regentctl: refused: ghost is not a member of cluster demo (members: node1, node2, node3)\n");
        assertThat(node1.requests()).isEmpty();
    }

    @Test
    void credentialsGoInABasicAuthHeaderAndThePasswordIsNeverPrinted() {
        node1.answer(401, "authentication required");

        CommandRun run = CommandRun.of(admin, Terminal.NONE, Map.of("REGENT_RESTAPI_PASSWORD", "s3cret"),
                "restart", "node1", "--username", "admin", "--force");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err()).isEqualTo("regentctl: restart of node1 refused by node1 (HTTP 401): authentication required\n");
        assertThat(node1.requests().get(0).authorization())
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8)));
        assertThat(run.out() + run.err()).doesNotContain("s3cret");
    }

    @Test
    void aUserWithoutAPasswordAndNoTerminalIsAUsageError() {
        CommandRun run = CommandRun.of(admin, "restart", "node1", "--username", "admin", "--force");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err()).isEqualTo("regentctl: no REST API password for user admin: set $REGENT_RESTAPI_PASSWORD"
                + " (no terminal to ask on)\n");
    }
}
