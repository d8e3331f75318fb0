package io.regent.tests.scenario;

import static io.regent.tests.scenario.Failover.TTL;
import static io.regent.tests.scenario.Failover.await;
import static io.regent.tests.scenario.Failover.measured;
import static io.regent.tests.scenario.Failover.since;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.model.SyncState;
import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Writer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code synchronous_mode} set by an operator with regentctl on a running cluster: with {@code on} the
 * host-loss failover promotes the synchronous standby and loses no acknowledged write at all; with
 * {@code strict} and no standby left, commits wait instead of being acknowledged by the primary alone.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SynchronousReplicationIT {

    private static final String SCENARIO = "synchronous replication";

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    @Test
    @Order(1)
    void withSynchronousModeOnTheHostLossFailoverPromotesTheSynchronousStandbyAndLosesNoAcknowledgedWrite() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        Regentctl.run(Regentctl.against(etcd, cluster, "edit-config", "--set", "synchronous_mode=on", "--force"));
        SyncState sync = awaitSync(old, 1);
        AgentProcess synchronous = cluster.node(sync.standbysByName().get(0));
        // each agent answers /sync and /async from the key as of its own last cycle: allow it one
        Failover.await("/sync answering 200 on the synchronous standby " + synchronous.name(), Duration.ofSeconds(5),
                () -> synchronous.httpStatus("/sync") == 200);
        assertThat(old.queryValue("SELECT sync_state FROM pg_stat_replication WHERE application_name = '"
                + synchronous.name() + "'")).isEqualTo("sync");
        AgentProcess asynchronous = Failover.othersThan(cluster, old, synchronous).get(0);
        Failover.await("/async answering 200 on the other standby " + asynchronous.name(), Duration.ofSeconds(5),
                () -> asynchronous.httpStatus("/async") == 200);

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(100, Failover.REPLICATION);
            long killed = System.nanoTime();
            old.kill();

            AgentProcess primary = Failover.awaitNewPrimary(cluster, old, TTL.plusSeconds(20));
            measured(SCENARIO, "on: kill -> the synchronous standby answers /primary", since(killed));
            writer.awaitAckAfter(killed, primary, Duration.ofSeconds(20));
            writer.stop();

            assertThat(primary).as("the promoted member").isEqualTo(synchronous);
            Failover.assertConverged(cluster, primary, List.of(asynchronous), Duration.ofSeconds(30));
            Failover.assertNoAcknowledgedWriteLost(writer, primary);
            Failover.assertNoSplitBrain(checker, primary);
            awaitSync(primary, 1);
        }
        old.start();
        Failover.assertConverged(cluster, synchronous, Failover.othersThan(cluster, synchronous), Duration.ofSeconds(60));
    }

    @Test
    @Order(2)
    void withSynchronousModeStrictCommitsWaitWhileNoStandbyIsLeftAndResumeWhenOneReturns() throws Exception {
        AgentProcess primary = Failover.awaitSteadyCluster(cluster);
        Regentctl.run(Regentctl.against(etcd, cluster, "edit-config", "--set", "synchronous_mode=strict", "--force"));
        awaitSync(primary, 1);
        List<AgentProcess> standbys = Failover.othersThan(cluster, primary);

        try (Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            standbys.forEach(AgentProcess::kill);
            long killed = System.nanoTime();
            Duration blocked = Duration.ofSeconds(8);
            Thread.sleep(blocked.toMillis());

            Optional<Writer.Ack> during = writer.firstAckAfter(killed + Duration.ofMillis(500).toNanos());
            assertThat(during).as("a write acknowledged with no standby running in strict mode").isEmpty();
            assertThat(cluster.primaries()).as("the primary stays the primary").containsExactly(primary);
            assertThat(cluster.clusterView().sync()).map(SyncState::standbys).as("the sync key names nobody")
                    .hasValueSatisfying(names -> assertThat(names).isEmpty());

            AgentProcess returning = standbys.get(0);
            long restarted = System.nanoTime();
            returning.start();
            Writer.Ack resumed = writer.awaitAckAfter(restarted, primary, Duration.ofSeconds(60));
            measured(SCENARIO, "strict: standby restarted -> writes acknowledged again", Duration.ofNanos(resumed.nanos() - restarted));
            SyncState sync = awaitSync(primary, 1);
            assertThat(sync.standbys()).containsExactly(returning.name());
            writer.stop();
            Failover.assertNoAcknowledgedWriteLost(writer, primary);
            assertThat(Writer.idsOn(returning)).as("every acknowledged write is on the synchronous standby too")
                    .containsAll(writer.acknowledged().stream().map(Writer.Ack::id).toList());
        }
        standbys.get(1).start();
        Failover.assertConverged(cluster, primary, standbys, Duration.ofSeconds(60));
    }

    /**
     * A primary cut off from etcd and from its standbys (here: etcd frozen, then both standbys' hosts
     * lost) cannot acknowledge a single write even in {@code on} mode: falling back to asynchronous would
     * first need the {@code sync} key rewritten, which etcd does not answer; it demotes when its lease
     * runs out. In asynchronous mode the same primary would keep acknowledging until it demotes.
     */
    @Test
    @Order(3)
    void anIsolatedPrimaryAcknowledgesNothingEvenInOnMode() throws Exception {
        AgentProcess primary = Failover.awaitSteadyCluster(cluster);
        Regentctl.run(Regentctl.against(etcd, cluster, "edit-config", "--set", "synchronous_mode=on", "--force"));
        awaitSync(primary, 1);
        List<AgentProcess> standbys = Failover.othersThan(cluster, primary);

        try (Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            etcd.pauseMember(0);
            try {
                standbys.forEach(AgentProcess::kill);
                long isolated = System.nanoTime();
                Thread.sleep(TTL.toMillis());
                assertThat(writer.firstAckAfter(isolated + Duration.ofMillis(500).toNanos()))
                        .as("a write acknowledged by a primary cut off from etcd and from its standbys").isEmpty();
                assertThat(primary.isWritable()).as(primary.name() + " writable once its lease ran out").isFalse();
            } finally {
                etcd.resumeMember(0);
            }
            standbys.forEach(AgentProcess::start);
            AgentProcess leader = cluster.awaitPrimary(Duration.ofSeconds(60));
            writer.awaitAckAfter(System.nanoTime(), leader, Duration.ofSeconds(60));
            writer.stop();
            Failover.assertConverged(cluster, leader, Failover.othersThan(cluster, leader), Duration.ofSeconds(90));
            Failover.assertNoAcknowledgedWriteLost(writer, leader);
        }
    }

    private static SyncState awaitSync(AgentProcess leader, int count) {
        return Failover.awaitSync(cluster, leader, count);
    }
}
