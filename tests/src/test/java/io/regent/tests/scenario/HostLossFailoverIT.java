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
 * The primary's machine dies (its agent and its PostgreSQL SIGKILLed together): a standby takes over
 * once the leader lease expires, and the other standby follows it without restarting.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HostLossFailoverIT {

    private static final String SCENARIO = "host loss";

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    @Test
    void aStandbyIsPrimaryWithinTheTtlAfterThePrimaryHostDiesAndTheOtherFollowsWithoutRestarting() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);
        int oldTimeline = old.timeline();
        Map<String, Instant> started = Failover.postmasterStartTimes(standbys);

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            Failover.Mark mark = Failover.markReplicated(writer, old, standbys);

            long killed = System.nanoTime();
            old.kill();

            AgentProcess primary = Failover.awaitNewPrimary(cluster, old, TTL.plusSeconds(10));
            Duration toPrimary = since(killed);
            List<AgentProcess> followers = Failover.othersThan(cluster, old, primary);
            Map<String, Duration> streaming = Failover.awaitEachStreaming(primary, followers, killed, Duration.ofSeconds(30));
            Writer.Ack first = writer.awaitAckAfter(killed, primary, Duration.ofSeconds(10));
            writer.awaitAckAfter(first.nanos(), primary, Duration.ofSeconds(10));
            writer.stop();

            measured(SCENARIO, "kill -> new primary answers /primary", toPrimary);
            measured(SCENARIO, "kill -> first acknowledged write on the new primary", Duration.ofNanos(first.nanos() - killed));
            measured(SCENARIO, "kill -> every standby streaming from the new primary",
                    streaming.values().stream().max(Duration::compareTo).orElseThrow());
            measured(SCENARIO, "longest gap between acknowledged writes", writer.longestGap());

            assertThat(toPrimary).as("kill -> new primary").isLessThan(Timing.scaled(TTL.plusSeconds(10)));
            assertThat(standbys).contains(primary);
            int timeline = Failover.assertConverged(cluster, primary, followers, Duration.ofSeconds(10));
            assertThat(timeline).as("the new primary's timeline").isEqualTo(oldTimeline + 1);
            Failover.assertNotRestarted(followers, started);
            Failover.assertNoReplicatedWriteLost(writer, mark, primary);
            Failover.assertNoSplitBrain(checker, primary);
            Failover.assertHistoryRecordsSwitch(cluster, oldTimeline, primary);
        }
    }
}
