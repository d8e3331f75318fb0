package io.regent.tests.scenario;

import static io.regent.tests.scenario.Failover.TTL;
import static io.regent.tests.scenario.Failover.measured;
import static io.regent.tests.scenario.Failover.since;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Timing;
import io.regent.tests.fixture.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seed case: in repmgr-style clusters one standby whose PostgreSQL hangs blocks the follow of
 * all the others. Here one of three standbys has its whole PostgreSQL frozen (SIGSTOP to the
 * postmaster and all its children: it accepts TCP connections and answers nothing; its agent runs on
 * and cannot probe it) when the primary's host dies. The election and the follow of the healthy
 * standby complete without waiting for it, and once thawed it follows by itself.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FrozenStandbyIT {

    private static final String SCENARIO = "frozen standby";
    /** The election's settle window for a silent member after a leader loss: max(2 loop_wait, 2 s). */
    private static final Duration SETTLE = Duration.ofSeconds(2);

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(4).build();

    @Test
    void aFrozenStandbyDelaysNeitherTheElectionNorTheFollowOfTheOthersAndFollowsByItselfOnceThawed() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);
        AgentProcess frozen = standbys.get(0);
        List<AgentProcess> healthy = standbys.subList(1, standbys.size());
        int oldTimeline = old.timeline();
        Map<String, Instant> started = Failover.postmasterStartTimes(standbys);

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            Failover.Mark mark = Failover.markReplicated(writer, old, standbys);

            // freeze it at a position every healthy standby has too: a standby frozen while it held WAL
            // the winner never received would have diverged, and rejoining that one is a rewind (the repair issue)
            writer.pause();
            Failover.awaitEqualPositions(old, standbys);
            frozen.freezePostgres();
            writer.resume();
            writer.awaitAcknowledged(writer.acknowledged().size() + 20, Failover.REPLICATION);
            long killed = System.nanoTime();
            old.kill();

            Duration bound = TTL.plus(SETTLE).plusSeconds(8);
            AgentProcess primary = Failover.awaitNewPrimary(cluster, old, bound);
            Duration toPrimary = since(killed);
            assertThat(healthy).as("the healthy standbys").contains(primary);
            List<AgentProcess> healthyFollowers = healthy.stream().filter(n -> n != primary).toList();
            Map<String, Duration> streaming = Failover.awaitEachStreaming(primary, healthyFollowers, killed, bound);
            Writer.Ack first = writer.awaitAckAfter(killed, primary, Duration.ofSeconds(10));
            Duration healthyFollowed = streaming.values().stream().max(Duration::compareTo).orElseThrow();
            measured(SCENARIO, "kill -> new primary answers /primary (one standby frozen)", toPrimary);
            measured(SCENARIO, "kill -> first acknowledged write on the new primary", Duration.ofNanos(first.nanos() - killed));
            measured(SCENARIO, "kill -> the healthy standby streaming from the new primary", healthyFollowed);
            assertThat(toPrimary).as("kill -> new primary, with a frozen standby").isLessThan(Timing.scaled(bound));
            assertThat(healthyFollowed).as("kill -> healthy standby following, with a frozen standby")
                    .isLessThan(Timing.scaled(bound));
            assertThat(frozen.isPostgresFrozen()).as(frozen.name() + "'s postmaster is still stopped").isTrue();

            long thawed = System.nanoTime();
            frozen.thawPostgres();
            Failover.awaitEachStreaming(primary, List.of(frozen), thawed, Duration.ofSeconds(30))
                    .forEach((name, d) -> measured(SCENARIO, "thaw -> " + name + " streaming from the new primary", d));
            System.out.println(frozen.name() + " restarted to follow: "
                    + !frozen.postmasterStartTime().equals(started.get(frozen.name())));
            writer.stop();

            List<AgentProcess> followers = Failover.othersThan(cluster, old, primary);
            int timeline = Failover.assertConverged(cluster, primary, followers, Duration.ofSeconds(10));
            assertThat(timeline).isEqualTo(oldTimeline + 1);
            Failover.assertNotRestarted(healthyFollowers, started);
            Failover.assertNoReplicatedWriteLost(writer, mark, primary);
            Failover.assertNoSplitBrain(checker, primary);
            Failover.assertHistoryRecordsSwitch(cluster, oldTimeline, primary);
        }
    }
}
