package io.regent.tests.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.Timing;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code regentctl} against a real three-node cluster, as an operator would use it: what it reads must be
 * what etcd and the nodes say, and what it writes to the config key must land there by compare-and-swap,
 * or not at all. Every check of etcd goes through etcdctl, not through the project's own code. The steps
 * share one cluster and run in order; the last one stops the cluster and removes its keys.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegentctlIT {

    private static final Duration BOOTSTRAP = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    private static AgentProcess primary;

    @BeforeAll
    static void awaitReplication() {
        primary = cluster.awaitPrimary(BOOTSTRAP);
        cluster.awaitStreamingStandbys(primary, 2, BOOTSTRAP);
    }

    /** {@code --etcd URL,… --scope NAME} followed by the command; a scaled etcd timeout for a loaded machine. */
    private static String[] ctl(String... command) {
        return Regentctl.against(etcd, cluster, command);
    }

    private static JsonNode configKey() throws Exception {
        return JSON.readTree(etcd.etcdctl("get", cluster.keyPrefix() + "config", "--print-value-only").trim());
    }

    private static long configRevision() throws Exception {
        JsonNode kvs = JSON.readTree(etcd.etcdctl("get", cluster.keyPrefix() + "config", "-w", "json")).path("kvs");
        return kvs.get(0).path("mod_revision").asLong();
    }

    @Test
    @Order(1)
    void listMatchesWhatTheNodesSay() throws Exception {
        // each standby publishes its position on its own schedule: wait until both have published a lag
        await().atMost(Timing.seconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode rows = JSON.readTree(Regentctl.run(ctl("list", "-f", "json")));
            assertThat(rows).hasSize(3);
            for (JsonNode row : rows) {
                AgentProcess node = cluster.node(row.path("name").asText());
                assertThat(row.path("status").asText()).isEqualTo("running");
                assertThat(row.path("timeline").asInt()).isEqualTo(node.status().orElseThrow().path("timeline").asInt());
                if (node.equals(primary)) {
                    assertThat(row.path("role").asText()).isEqualTo("primary");
                    assertThat(row.path("upstream").isNull()).isTrue();
                    assertThat(row.path("lsn_lag_bytes").isNull()).isTrue();
                } else {
                    assertThat(cluster.isStreamingFrom(node, primary)).isTrue();
                    assertThat(row.path("role").asText()).isEqualTo("replica");
                    assertThat(row.path("upstream").asText()).isEqualTo(primary.name());
                    assertThat(row.path("streams_from").asText()).isEqualTo(primary.name());
                    assertThat(row.path("lsn_lag_bytes").isIntegralNumber()).isTrue();
                    assertThat(row.path("lsn_lag_bytes").asLong()).isBetween(0L, 16L * 1024 * 1024);
                }
            }
        });
        String table = Regentctl.run("-c", primary.configFile().toString(), "list", "--timeout",
                Long.toString(Timing.seconds(10).toSeconds()));
        String sysid = etcd.etcdctl("get", cluster.keyPrefix() + "initialize", "--print-value-only").trim();
        assertThat(table.lines().findFirst().orElseThrow()).isEqualTo("Cluster: " + cluster.scope() + " (system identifier " + sysid + ")");
        assertThat(table).doesNotContain("Maintenance mode", "streams from", "not streaming");
        String topology = Regentctl.run(ctl("topology"));
        assertThat(topology.lines().skip(3).map(line -> line.split("\\|")[1].strip()).toList().get(0)).isEqualTo(primary.name());
        assertThat(topology.lines().filter(line -> line.contains("+ node"))).hasSize(2);
    }

    @Test
    @Order(2)
    void historyShowsWhatTheHistoryKeyHolds() throws Exception {
        List<RegentCluster.HistoryLine> key = cluster.history();

        JsonNode shown = JSON.readTree(Regentctl.run(ctl("history", "-f", "json")));

        assertThat(shown).hasSize(key.size());
        for (int i = 0; i < key.size(); i++) {
            assertThat(shown.get(i).path("timeline").asInt()).isEqualTo(key.get(i).timeline());
            assertThat(shown.get(i).path("lsn").asLong()).isEqualTo(key.get(i).switchLsn());
            assertThat(shown.get(i).path("reason").asText()).isEqualTo(key.get(i).reason());
        }
        List<String> table = Regentctl.run(ctl("history")).lines().toList();
        assertThat(table.get(0)).startsWith(" TL | LSN").endsWith("| New Leader");
        assertThat(table).hasSize(2 + key.size());
    }

    @Test
    @Order(3)
    void showConfigPrintsTheConfigKeyAsYaml() throws Exception {
        JsonNode shown = YAML.readTree(Regentctl.run(ctl("show-config")));

        assertThat(shown).isEqualTo(configKey());
        assertThat(shown.path("ttl").asInt()).isEqualTo(10);
        assertThat(shown.path("loop_wait").asInt()).isEqualTo(1);
    }

    @Test
    @Order(4)
    void editConfigWritesByCompareAndSwapAndAStaleRevisionFailsCleanly() throws Exception {
        long revision = configRevision();

        Regentctl.Result first = Regentctl.exec(ctl("edit-config", "--set", "loop_wait=2", "--expect-revision",
                Long.toString(revision), "--force"));
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("- loop_wait: 1", "+ loop_wait: 2");
        assertThat(configKey().path("loop_wait").asInt()).isEqualTo(2);
        long changed = configRevision();
        assertThat(changed).isGreaterThan(revision);

        Regentctl.Result stale = Regentctl.exec(ctl("edit-config", "--set", "loop_wait=3", "--expect-revision",
                Long.toString(revision), "--force"));
        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.err()).isEqualTo("regentctl: conflict: the config of cluster " + cluster.scope()
                + " changed concurrently (based on revision " + revision + ", now revision " + changed
                + "); nothing written, run the command again\n");
        assertThat(configKey().path("loop_wait").asInt()).isEqualTo(2);
        assertThat(configRevision()).isEqualTo(changed);
    }

    @Test
    @Order(5)
    void aConfigTheAgentsWouldRejectIsRefusedAndTheKeyIsUnchanged() throws Exception {
        JsonNode before = configKey();
        long revision = configRevision();

        Regentctl.Result refused = Regentctl.exec(ctl("edit-config", "--set", "ttl=1", "--force"));

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("regentctl: refused: the agents would reject this config: config.ttl: must be"
                + " >= loop_wait + 2*retry_timeout = 8 (got 1) (nothing written)\n");
        assertThat(configKey()).isEqualTo(before);
        assertThat(configRevision()).isEqualTo(revision);
    }

    @Test
    @Order(6)
    void withoutATerminalAndWithoutForceNothingIsChanged() throws Exception {
        long revision = configRevision();

        Regentctl.Result refused = Regentctl.exec(ctl("pause"));

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("regentctl: not confirmed: no terminal to ask whether to pause cluster "
                + cluster.scope() + " (add --force to go ahead)\n");
        assertThat(configRevision()).isEqualTo(revision);
    }

    @Test
    @Order(7)
    void pauseAndResumeFlipThePauseFlagAndListShowsIt() throws Exception {
        Regentctl.Result paused = Regentctl.exec(ctl("pause", "--force", "--wait"));
        assertThat(paused.exitCode()).as(paused.err()).isZero();
        assertThat(paused.out()).startsWith("Paused cluster " + cluster.scope() + ": pause false -> true in the config key");
        assertThat(configKey().path("pause").asBoolean()).isTrue();
        assertThat(Regentctl.run(ctl("list"))).contains(" Maintenance mode: on");

        Regentctl.Result resumed = Regentctl.exec(ctl("resume", "--force"));
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).startsWith("Resumed cluster " + cluster.scope() + ": pause true -> false in the config key");
        assertThat(configKey().path("pause").asBoolean(true)).isFalse();
        assertThat(Regentctl.run(ctl("list"))).doesNotContain("Maintenance mode");
    }

    @Test
    @Order(8)
    void removeWipesTheKeysOnlyOnceTheNameIsGivenAndNoLeaderHoldsTheKey() throws Exception {
        String prefix = cluster.keyPrefix();
        int keys = etcd.etcdctl("get", prefix, "--prefix", "--keys-only").strip().split("\\s+").length;

        Regentctl.Result wrongName = Regentctl.exec(ctl("remove", "--confirm", "not-" + cluster.scope()));
        assertThat(wrongName.exitCode()).isEqualTo(1);
        Regentctl.Result noName = Regentctl.exec(ctl("remove", "--force"));
        assertThat(noName.exitCode()).isEqualTo(1);
        assertThat(noName.err()).contains("no terminal");
        Regentctl.Result leaderPresent = Regentctl.exec(ctl("remove", "--confirm", cluster.scope()));
        assertThat(leaderPresent.exitCode()).isEqualTo(1);
        assertThat(leaderPresent.err()).isEqualTo("regentctl: refused: " + primary.name() + " holds the leader key of cluster "
                + cluster.scope() + " (its agents are running); stop every agent first, or add --force (nothing removed)\n");
        assertThat(etcd.etcdctl("get", prefix, "--prefix", "--keys-only").strip().split("\\s+")).hasSize(keys);

        cluster.nodes().forEach(AgentProcess::stop);
        await().atMost(Timing.seconds(30)).until(() -> cluster.leaderKey().isEmpty());
        Regentctl.Result removed = Regentctl.exec(ctl("remove", "--confirm", cluster.scope()));

        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).startsWith("Removed cluster " + cluster.scope() + ": deleted ");
        assertThat(etcd.etcdctl("get", prefix, "--prefix", "--keys-only").strip()).isEmpty();
    }
}
