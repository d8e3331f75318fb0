package io.regent.tests.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.FreePorts;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.UnprivilegedUser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A newcomer named {@code Node1} would stream through the slot {@code node1} that the member {@code node1}
 * already uses: its agent refuses to start, says why, and touches nothing.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SlotNameCollisionIT {

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(1).build();

    @Test
    void anAgentWhoseSlotNameAnotherMemberUsesRefusesToStartWithTheReason() throws Exception {
        AgentProcess node1 = cluster.awaitPrimary(Failover.BOOTSTRAP);
        Path dir = UnprivilegedUser.newWorkDir("collision");
        try {
            refusesToStart(node1, dir);
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void refusesToStart(AgentProcess node1, Path dir) throws Exception {
        int[] ports = FreePorts.allocate(2);
        Path config = dir.resolve("config.yml");
        Files.writeString(config, node1.configYaml()
                .replaceFirst("(?m)^name: .*$", "name: Node1")
                .replace("127.0.0.1:" + node1.apiPort(), "127.0.0.1:" + ports[0])
                .replace("127.0.0.1:" + node1.pgPort(), "127.0.0.1:" + ports[1])
                .replace(node1.dataDir().toString(), dir.resolve("data").toString()));
        Path jar = Files.copy(Path.of(System.getProperty("regent.agent.jar")), dir.resolve("regent-agent.jar"));
        UnprivilegedUser.chown(dir);

        Process agent = UnprivilegedUser.serverProcess(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), config.toString()), dir)
                .redirectErrorStream(true).start();
        if (!agent.waitFor(90, TimeUnit.SECONDS)) {
            agent.destroyForcibly();
            throw new AssertionError("the agent Node1 did not exit within 90 s");
        }
        String output = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(agent.exitValue()).as("exit code; output:\n" + output).isEqualTo(1);
        assertThat(output).contains("cannot start: member name 'Node1' and the existing member 'node1' both map to"
                + " replication slot 'node1'").contains("give this member another name");
        assertThat(dir.resolve("data")).as("no data directory made").doesNotExist();
        assertThat(etcd.etcdctl("get", cluster.keyPrefix() + "members/", "--prefix", "--keys-only").lines()
                .filter(line -> !line.isBlank()).toList()).as("member keys in etcd").containsExactly(cluster.keyPrefix() + "members/node1");
        Failover.assertHoldsFor("node1 stays the primary", Duration.ofSeconds(2),
                () -> cluster.primaries().equals(List.of(node1)));
    }
}
