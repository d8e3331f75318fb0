package io.regent.tests.scenario;

import static io.regent.tests.scenario.Failover.TTL;
import static io.regent.tests.scenario.Failover.measured;
import static io.regent.tests.scenario.Failover.since;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code failsafe_mode} on, etcd loses quorum: the leader reaches every member over {@code POST /failsafe},
 * so it stays primary and keeps taking writes, and the standbys keep streaming from it and do not promote.
 * Once one standby's agent is stopped as well, the leader cannot reach every member: it stops taking writes
 * before its confirmation could run out. etcd back (and the agent started again): the cluster converges.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class FailsafeModeIT {

    private static final String SCENARIO = "etcd quorum loss, failsafe_mode";

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().withNodes(3).build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    @Test
    void theLeaderStaysPrimaryWhileItReachesEveryMemberAndDemotesOnceOneIsGone() throws Exception {
        AgentProcess leader = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, leader);
        enableFailsafeMode(leader);

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            Failover.markReplicated(writer, leader, standbys);

            long lost = System.nanoTime();
            etcd.killMember(1);
            etcd.killMember(2);
            AgentProcess stopped = standbys.get(1);
            try {
                // twice the ttl: long past the point where the lease would have made it demote
                Failover.assertHoldsFor(leader.name() + " stays primary and writable without etcd quorum", TTL.multipliedBy(2),
                        () -> leader.isWritable() && standbys.stream().noneMatch(AgentProcess::isWritable));
                assertThat(leader.httpStatus("/primary")).as(leader.name() + " /primary in failsafe").isEqualTo(200);
                writer.awaitAckAfter(lost + TTL.multipliedBy(2).toNanos() - Duration.ofSeconds(2).toNanos(), leader,
                        Duration.ofSeconds(10));
                for (AgentProcess standby : standbys) {
                    assertThat(cluster.isStreamingFrom(standby, leader)).as(standby.name() + " streams from " + leader.name()
                            + " without etcd").isTrue();
                }

                long gone = System.nanoTime();
                stopped.stop();
                Duration notWritable = EtcdOutageIT.awaitNotWritable(leader, gone);
                measured(SCENARIO, "standby agent stopped -> leader stops taking writes", notWritable);
                measured(SCENARIO, "quorum lost -> leader stops taking writes (after the standby stop)", since(lost));
                Failover.assertHoldsFor("no node takes writes once the leader demoted", Duration.ofSeconds(5),
                        () -> cluster.nodes().stream().noneMatch(AgentProcess::isWritable));
            } finally {
                etcd.startMember(1);
                etcd.startMember(2);
            }
            long back = System.nanoTime();
            etcd.awaitHealthy(Duration.ofSeconds(30));
            stopped.start();

            AgentProcess primary = cluster.awaitPrimary(Duration.ofSeconds(60));
            measured(SCENARIO, "quorum back -> a primary answers /primary", since(back));
            List<AgentProcess> followers = Failover.othersThan(cluster, primary);
            Failover.awaitEachStreaming(primary, followers, back, Duration.ofSeconds(90))
                    .forEach((name, d) -> measured(SCENARIO, "quorum back -> " + name + " streaming", d));
            writer.awaitAckAfter(back, primary, Duration.ofSeconds(30));
            writer.stop();

            Failover.assertConverged(cluster, primary, followers, Duration.ofSeconds(10));
            Failover.assertNoSplitBrain(checker, primary);
            if (primary == leader) {
                Failover.assertNoAcknowledgedWriteLost(writer, primary);
            } else {
                System.out.println("REPORT after the outage " + primary.name() + " leads instead of " + leader.name());
            }
        }
    }

    /** {@code PATCH /config {"failsafe_mode": true}}, then waits until the leader has written the failsafe key naming everyone. */
    private static void enableFailsafeMode(AgentProcess leader) throws Exception {
        HttpResponse<String> patched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(leader.apiUrl() + "/config"))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"failsafe_mode\": true}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        Failover.await("the failsafe key names every member", Duration.ofSeconds(20), () -> {
            String key = etcd.etcdctl("get", cluster.keyPrefix() + "failsafe", "--print-value-only");
            return cluster.nodes().stream().allMatch(n -> key.contains("\"" + n.name() + "\""));
        });
    }
}
