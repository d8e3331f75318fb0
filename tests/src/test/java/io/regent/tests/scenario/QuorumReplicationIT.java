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
 * {@code synchronous_mode: quorum} with {@code ANY 1} of three standbys: a commit may be on one standby
 * only, so after the primary is lost a standby is promoted only once three of them have been heard from,
 * and the one promoted holds every acknowledged write.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuorumReplicationIT {

    private static final String SCENARIO = "quorum replication";

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(4).build();

    @Test
    @Order(1)
    void losingThePrimaryAndAStandbyTogetherPromotesNobodyUntilEnoughStandbysAreHeardFrom() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        Regentctl.run(Regentctl.against(etcd, cluster, "edit-config", "--set", "synchronous_mode=quorum",
                "--set", "synchronous_node_count=1", "--force"));
        SyncState sync = awaitSync(old, 3);
        assertThat(sync.quorum()).isEqualTo(1);
        assertThat(old.queryValue("SHOW synchronous_standby_names")).startsWith("ANY 1 (");
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);
        AgentProcess lostStandby = standbys.get(2);

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(100, Failover.REPLICATION);
            long killed = System.nanoTime();
            old.kill();
            lostStandby.kill();

            Failover.assertHoldsFor("no promotion while only two of the three quorum members can be heard from",
                    TTL.multipliedBy(2).plusSeconds(5), () -> cluster.primaries().isEmpty());
            assertThat(cluster.leaderKey()).as("the leader key").isEmpty();
            assertThat(Failover.othersThan(cluster, old, lostStandby))
                    .anySatisfy(node -> assertThat(node.logFile()).content().contains("must be heard from"));

            long restarted = System.nanoTime();
            lostStandby.start();
            AgentProcess primary = Failover.awaitNewPrimary(cluster, old, Duration.ofSeconds(90));
            measured(SCENARIO, "missing quorum member restarted -> new primary", since(restarted));
            writer.awaitAckAfter(restarted, primary, Duration.ofSeconds(30));
            writer.stop();

            assertThat(standbys).contains(primary);
            Failover.assertNoAcknowledgedWriteLost(writer, primary);
            Failover.assertNoSplitBrain(checker, primary);
            Failover.assertConverged(cluster, primary, Failover.othersThan(cluster, old, primary), Duration.ofSeconds(60));
            measured(SCENARIO, "primary and a standby killed -> new primary (with the restart)", since(killed));
        }
        old.start();
        AgentProcess primary = cluster.awaitPrimary(Duration.ofSeconds(30));
        Failover.assertConverged(cluster, primary, Failover.othersThan(cluster, primary), Duration.ofSeconds(90));
    }

    @Test
    @Order(2)
    void aStandbyLostBeforeThePrimaryLeavesTheQuorumSoTheNextFailoverNeedsNoOperator() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        awaitSync(old, 3);
        AgentProcess lostStandby = Failover.othersThan(cluster, old).get(0);

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            lostStandby.kill();
            SyncState shrunk = awaitSync(old, 2);
            assertThat(shrunk.standbys()).doesNotContain(lostStandby.name());
            writer.awaitAckAfter(System.nanoTime(), old, Duration.ofSeconds(10));

            long killed = System.nanoTime();
            old.kill();
            AgentProcess primary = Failover.awaitNewPrimary(cluster, old, TTL.plusSeconds(20));
            measured(SCENARIO, "after the quorum shrank: kill -> new primary", since(killed));
            writer.awaitAckAfter(killed, primary, Duration.ofSeconds(20));
            writer.stop();

            assertThat(shrunk.standbys()).contains(primary.name());
            Failover.assertNoAcknowledgedWriteLost(writer, primary);
            Failover.assertNoSplitBrain(checker, primary);
        }
    }

    static SyncState awaitSync(AgentProcess leader, int count) {
        SyncState[] found = new SyncState[1];
        await("the sync key of " + leader.name() + " naming " + count + " standby(s)", Duration.ofSeconds(60), () -> {
            Optional<SyncState> sync = cluster.clusterView().sync();
            if (sync.isPresent() && sync.get().leader().equals(leader.name()) && sync.get().standbys().size() == count) {
                found[0] = sync.get();
                return true;
            }
            return false;
        });
        return found[0];
    }
}
