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
 * A standby that was down (agent and PostgreSQL stopped) while the primary died and another standby took
 * over: started again, it finds the new leader and streams from it on the new timeline, through a slot the
 * leader keeps for it. The dead old primary leaves no slot behind; a member gone for longer than
 * {@code member_slots_ttl} has its slot dropped, and gets a new one when it comes back.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DownDuringFailoverIT {

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    @Test
    void aStandbyDownDuringTheFailoverRejoinsAndTheLeaderKeepsOnlyTheSlotsOfLiveMembers() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);
        AgentProcess down = standbys.get(0);
        int oldTimeline = old.timeline();
        etcd.etcdctl("put", cluster.keyPrefix() + "config",
                "{\"ttl\": 10, \"loop_wait\": 1, \"retry_timeout\": 3, \"member_slots_ttl\": 5}");

        down.stop();
        assertThat(down.isPostgresRunning()).isFalse();
        old.kill();
        AgentProcess primary = Failover.awaitNewPrimary(cluster, old, Failover.TTL.plusSeconds(15));
        assertThat(primary.timeline()).isEqualTo(oldTimeline + 1);
        String slot = down.name();

        down.start();
        Failover.await(down.name() + " streams from the new leader", Duration.ofSeconds(60),
                () -> Failover.allStreaming(primary, List.of(down)));
        assertThat(down.timeline()).isEqualTo(oldTimeline + 1);
        Failover.await("the leader keeps a slot for " + down.name() + ", in use", Duration.ofSeconds(15),
                () -> "t".equals(Failover.valueOrNull(primary,
                        "SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")));
        Failover.await("no slot left for the dead old primary once its key expired and member_slots_ttl passed",
                Duration.ofSeconds(30), () -> !hasSlot(primary, old.name()));

        down.stop();
        assertThat(hasSlot(primary, slot)).as("kept while " + down.name() + " may come back").isTrue();
        Failover.await("the leader drops the slot of " + down.name() + " once it is gone for member_slots_ttl",
                Duration.ofSeconds(30), () -> !hasSlot(primary, slot));
        down.start();
        Failover.await(down.name() + " streams again, through a new slot", Duration.ofSeconds(60),
                () -> Failover.allStreaming(primary, List.of(down)) && hasSlot(primary, slot));
    }

    private static boolean hasSlot(AgentProcess node, String slot) {
        return "1".equals(Failover.valueOrNull(node, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'"));
    }
}
