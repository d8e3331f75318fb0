package io.regent.tests.scenario;

import static io.regent.tests.scenario.Failover.measured;
import static io.regent.tests.scenario.Failover.since;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The restart path of the follow: a standby whose recovery process is stuck (SIGSTOP) cannot start a
 * WAL receiver towards the new leader after the reload, and its postmaster cannot finish a fast or an
 * immediate shutdown either (the stuck process never exits). After twice the ttl without streaming the
 * agent restarts it; the fast shutdown times out and the stop escalates (immediate shutdown, whose
 * SIGQUIT PostgreSQL itself follows with SIGKILL; the agent's own SIGKILL of the postmaster and its
 * processes is the last step), each bounded, and the standby comes back streaming from the new leader.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RestartFollowIT {

    private static final String SCENARIO = "restart-follow";

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    /** node3 never leads (nofailover never bootstraps or promotes), so it is the standby to break. */
    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).nofailover("node3").build();

    @Test
    void aStandbyThatCannotFollowByReloadIsRestartedWithABoundedStopAndFollows() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        AgentProcess stuck = cluster.nodes().stream().filter(n -> n.name().equals("node3")).findFirst().orElseThrow();
        Instant started = stuck.postmasterStartTime();
        long startup = startupProcess(stuck);
        signal("STOP", startup);
        try {
            long killed = System.nanoTime();
            old.kill();
            AgentProcess primary = Failover.awaitNewPrimary(cluster, old, Failover.TTL.plusSeconds(15));
            assertThat(primary).isNotEqualTo(stuck);

            Failover.await(stuck.name() + " streams from " + primary.name(), Duration.ofSeconds(150),
                    () -> Failover.allStreaming(primary, List.of(stuck)));
            measured(SCENARIO, "host loss -> the stuck standby streams from the new primary", since(killed));
            assertThat(stuck.postmasterStartTime()).as(stuck.name() + " was restarted").isAfter(started);
            assertThat(stuck.logTail(300)).contains("has not streamed from the running leader")
                    .contains("fast shutdown did not finish within");
            assertThat(ProcessHandle.of(startup).filter(ProcessHandle::isAlive)).as("the stuck process is gone").isEmpty();
            Failover.assertConverged(cluster, primary, List.of(stuck), Duration.ofSeconds(30));
        } finally {
            ProcessHandle.of(startup).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** The pid of the standby's startup (recovery) process, a child of its postmaster. */
    private static long startupProcess(AgentProcess node) {
        ProcessHandle postmaster = node.postmaster().orElseThrow();
        return postmaster.children().filter(child -> cmdline(child.pid()).contains("startup")).findFirst()
                .orElseThrow(() -> new AssertionError(node.name() + " has no startup process")).pid();
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s %d", signal, pid).isZero();
    }
}
