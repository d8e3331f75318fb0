package io.regent.tests.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * regentctl restart, reload and reinit, carried out by the member's own HA loop: the leader restarts in
 * place and keeps leading, a standby restarts and streams again, a re-cloned standby keeps its old data
 * directory aside, and the leader cannot be re-cloned.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeActionsIT {

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    @Test
    @Order(1)
    void restartReloadAndReinitAreCarriedOutByTheMembersThemselves() throws Exception {
        AgentProcess leader = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, leader);
        AgentProcess standby = standbys.get(0);
        int timeline = leader.timeline();
        Instant leaderStarted = leader.postmasterStartTime();
        Instant standbyStarted = standby.postmasterStartTime();

        assertThat(Regentctl.run(ctl("restart", standby.name(), "--force"))).contains("Success");
        assertThat(standby.postmasterStartTime()).as(standby.name() + " restarted").isAfter(standbyStarted);
        Failover.await(standby.name() + " streams again", Duration.ofSeconds(30),
                () -> Failover.allStreaming(leader, List.of(standby)));

        assertThat(Regentctl.run(ctl("restart", leader.name(), "--force"))).contains("Success");
        assertThat(leader.postmasterStartTime()).as(leader.name() + " restarted").isAfter(leaderStarted);
        Failover.await(leader.name() + " writable again", Duration.ofSeconds(30), leader::isWritable);
        assertThat(cluster.leaderKey()).as("the leader kept its key").contains(leader.name());
        assertThat(leader.timeline()).as("no failover").isEqualTo(timeline);

        assertThat(Regentctl.run(ctl("reload", "--force"))).contains("Success");

        HttpResponse<String> refused = post(leader, "/reinitialize");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.body()).contains("the leader cannot be reinitialized");

        AgentProcess recloned = standbys.get(1);
        assertThat(Regentctl.run(ctl("reinit", recloned.name(), "--force"))).contains("Success");
        Failover.await(recloned.name() + " streams again", Duration.ofSeconds(60),
                () -> Failover.allStreaming(leader, List.of(recloned)));
        Path data = recloned.dataDir();
        try (Stream<Path> siblings = Files.list(data.getParent())) {
            assertThat(siblings.map(p -> p.getFileName().toString()))
                    .as("the old data directory, kept aside").anyMatch(name -> name.startsWith(data.getFileName() + ".reinit-"));
        }
        Failover.assertConverged(cluster, leader, standbys, Duration.ofSeconds(30));
    }

    @Test
    @Order(2)
    void withRestapiAuthenticationConfiguredUnsafeRequestsNeedTheCredentials() throws Exception {
        AgentProcess leader = Failover.awaitSteadyCluster(cluster);
        AgentProcess standby = Failover.othersThan(cluster, leader).get(0);
        standby.stop();
        standby.writeConfig(standby.configYaml().replaceFirst("(?m)^restapi:\\n",
                "restapi:\n  authentication: {username: admin, password: s3cret-api}\n"));
        standby.start();
        Failover.await(standby.name() + " streams again", Duration.ofSeconds(60),
                () -> Failover.allStreaming(leader, List.of(standby)));

        HttpResponse<String> anonymous = post(standby, "/reload");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(post(standby, "/reload", "admin:wrong").statusCode()).isEqualTo(401);
        assertThat(post(standby, "/reload", "admin:s3cret-api").statusCode()).isEqualTo(200);
        assertThat(standby.httpStatus("/replica")).as("health checks stay open").isEqualTo(200);
        assertThat(standby.logTail(1000)).as("the password is never logged").doesNotContain("s3cret-api");
    }

    private static HttpResponse<String> post(AgentProcess node, String path) throws Exception {
        return post(node, path, null);
    }

    private static HttpResponse<String> post(AgentProcess node, String path, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.apiUrl() + path))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody());
        if (credentials != null) {
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder()
                    .encodeToString(credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String[] ctl(String... command) {
        return Regentctl.against(etcd, cluster, command);
    }
}
