package io.regent.tests.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Maintenance mode: while paused, the primary's PostgreSQL can die and nobody fails over or restarts it
 * (the operator is at work); once resumed, the leader brings it back by itself.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PauseIT {

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    @Test
    void whilePausedACrashedPrimaryIsLeftAloneAndAfterResumeItIsBroughtBack() throws Exception {
        AgentProcess leader = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, leader);

        assertThat(Regentctl.run(ctl("pause", "--force"))).containsIgnoringCase("pause");
        Failover.await("every agent says it is in maintenance mode", Duration.ofSeconds(15),
                () -> cluster.nodes().stream().allMatch(node -> node.logTail(50).contains("maintenance mode")));
        assertThat(Regentctl.run(ctl("list"))).contains("Maintenance mode");

        leader.crashPostmaster();
        // well past the lease ttl and an election's settle window: a failover or restart would have happened
        Failover.assertHoldsFor("no failover and no restart while paused", Failover.TTL.multipliedBy(2), () ->
                cluster.leaderKey().filter(leader.name()::equals).isPresent()
                        && !leader.isPostgresRunning()
                        && standbys.stream().noneMatch(AgentProcess::isWritable));

        assertThat(Regentctl.run(ctl("resume", "--force"))).containsIgnoringCase("resume");

        Failover.await(leader.name() + " writable again", Duration.ofSeconds(30), leader::isWritable);
        assertThat(cluster.leaderKey()).contains(leader.name());
        Failover.assertConverged(cluster, leader, standbys, Duration.ofSeconds(30));
    }

    private static String[] ctl(String... command) {
        return Regentctl.against(etcd, cluster, command);
    }
}
