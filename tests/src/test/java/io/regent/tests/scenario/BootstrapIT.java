package io.regent.tests.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three agents started together on empty data directories become one primary and two streaming
 * standbys by themselves; a fourth added later clones and streams too. The steps share one cluster
 * and run in order, as an operator would go through them.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BootstrapIT {

    private static final Duration BOOTSTRAP = Duration.ofSeconds(90);
    private static final Duration REPLICATION = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    @Test
    @Order(1)
    void threeFreshNodesBecomeOnePrimaryAndTwoStreamingStandbys() throws Exception {
        AgentProcess primary = cluster.awaitPrimary(BOOTSTRAP);
        List<AgentProcess> standbys = cluster.awaitStreamingStandbys(primary, 2, BOOTSTRAP);

        assertThat(cluster.primaries()).containsExactly(primary);
        assertThat(primary.queryValue("SELECT pg_is_in_recovery()")).isEqualTo("f");
        assertThat(primary.queryValue("SHOW data_checksums")).isEqualTo("on");
        for (AgentProcess standby : standbys) {
            assertThat(standby.queryValue("SELECT pg_is_in_recovery()")).isEqualTo("t");
            // the agent reports what its last HA cycle saw: streaming may have begun after it
            Failover.await(standby.name() + " answering 200 on /replica", Duration.ofSeconds(10),
                    () -> standby.httpStatus("/replica") == 200);
            assertThat(standby.httpStatus("/primary")).isEqualTo(503);
            assertThat(standby.status().orElseThrow().path("upstream").asText()).isEqualTo(primary.name());
        }
        JsonNode status = primary.status().orElseThrow();
        assertThat(status.path("role").asText()).isEqualTo("primary");
        assertThat(status.path("state").asText()).isEqualTo("running");
        assertThat(status.path("timeline").asInt()).isEqualTo(1);
        assertThat(status.path("scope").asText()).isEqualTo(cluster.scope());
        assertThat(status.path("server_version").asText()).startsWith("15.");
        assertThat(primary.httpStatus("/health")).isEqualTo(200);
        assertThat(cluster.clusterView().leader().orElseThrow().name()).isEqualTo(primary.name());
    }

    @Test
    @Order(2)
    void aRowCommittedOnThePrimaryIsReadableOnBothStandbys() throws Exception {
        AgentProcess primary = cluster.awaitPrimary(BOOTSTRAP);
        Replication.createTable(primary);
        Replication.insertRows(primary, 1, 1);

        Replication.awaitRowsOn(cluster.streamingStandbys(primary), 1, REPLICATION);
        assertThat(cluster.streamingStandbys(primary)).hasSize(2);
    }

    @Test
    @Order(3)
    void etcdctlShowsTheClusterAsReadableJsonWithoutSecrets() throws Exception {
        AgentProcess primary = cluster.awaitPrimary(BOOTSTRAP);
        String prefix = "/service/" + cluster.scope() + "/";
        Map<String, String> keys = keyValues(etcd.etcdctl("get", "--prefix", prefix));

        assertThat(keys.get(prefix + "leader")).isEqualTo(primary.name());
        assertThat(keys.get(prefix + "initialize"))
                .isEqualTo(primary.queryValue("SELECT system_identifier::text FROM pg_control_system()"));
        JsonNode config = JSON.readTree(keys.get(prefix + "config"));
        assertThat(config.path("ttl").asInt()).isEqualTo(10);
        assertThat(config.path("loop_wait").asInt()).isEqualTo(1);
        for (AgentProcess node : cluster.nodes()) {
            JsonNode member = JSON.readTree(keys.get(prefix + "members/" + node.name()));
            assertThat(member.path("conn_url").asText()).isEqualTo("postgres://127.0.0.1:" + node.pgPort() + "/postgres");
            assertThat(member.path("api_url").asText()).isEqualTo(node.apiUrl() + "/patroni");
            assertThat(member.path("role").asText()).isEqualTo(node == primary ? "primary" : "replica");
            assertThat(member.path("state").asText()).isEqualTo("running");
            assertThat(member.path("timeline").asInt()).isEqualTo(1);
            assertThat(member.path("xlog_location").canConvertToLong()).isTrue();
        }
        String everything = String.join("\n", keys.values());
        for (AgentProcess node : cluster.nodes()) {
            String log = Files.readString(node.logFile());
            for (String secret : List.of(node.superuser().password(), node.replication().password())) {
                assertThat(everything).doesNotContain(secret);
                assertThat(log).doesNotContain(secret);
                assertThat(Files.readString(node.dataDir().resolve("postgresql.conf"))).doesNotContain(secret);
            }
        }
    }

    @Test
    @Order(4)
    void regentctlListShowsThePrimaryAndItsStreamingStandbys() throws Exception {
        AgentProcess primary = cluster.awaitPrimary(BOOTSTRAP);
        String etcdUrl = String.join(",", etcd.clientEndpoints());

        JsonNode rows = JSON.readTree(Regentctl.run("--etcd", etcdUrl, "--scope", cluster.scope(), "list", "-f", "json"));
        String table = Regentctl.run("--etcd", etcdUrl, "--scope", cluster.scope(), "list");

        assertThat(rows).hasSize(3);
        for (JsonNode row : rows) {
            boolean isPrimary = row.path("name").asText().equals(primary.name());
            assertThat(row.path("role").asText()).isEqualTo(isPrimary ? "primary" : "replica");
            assertThat(row.path("status").asText()).isEqualTo("running");
            assertThat(row.path("timeline").asInt()).isEqualTo(1);
            if (!isPrimary) {
                assertThat(row.path("upstream").asText()).isEqualTo(primary.name());
            }
        }
        assertThat(table.lines().findFirst().orElseThrow()).startsWith("Cluster: " + cluster.scope() + " (system identifier ");
        assertThat(table).contains("ID | Name  | Role    | Status  | Upstream | Location | Priority | Timeline | LSN_Lag | Connection string");
    }

    @Test
    @Order(5)
    void aFourthNodeAddedToTheRunningClusterClonesAndStreams() throws Exception {
        AgentProcess primary = cluster.awaitPrimary(BOOTSTRAP);
        AgentProcess added = cluster.addNode();

        List<AgentProcess> standbys = cluster.awaitStreamingStandbys(primary, 3, BOOTSTRAP);
        assertThat(standbys).contains(added);
        Replication.insertRows(primary, 2, 2);
        Replication.awaitRowsOn(List.of(added), 2, REPLICATION);
        assertThat(cluster.primaries()).containsExactly(primary);
        // the clone runs with its own port, not the one copied from the primary's configuration
        assertThat(added.queryValue("SHOW port")).isEqualTo(String.valueOf(added.pgPort()));
    }

    /** Parses {@code etcdctl get --prefix} output: key and value on alternate lines. */
    private static Map<String, String> keyValues(String output) {
        List<String> lines = output.lines().toList();
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i + 1 < lines.size(); i += 2) {
            values.put(lines.get(i), lines.get(i + 1));
        }
        return values;
    }
}
