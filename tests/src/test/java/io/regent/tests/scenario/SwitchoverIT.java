package io.regent.tests.scenario;

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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Switchover and manual failover as an operator drives them (regentctl and the REST API). A planned
 * switchover under a continuous writer: the leader hands over to the candidate, restarts once as its
 * standby (no rewind), the other standby follows without a restart, and no acknowledged write is lost,
 * since the candidate takes over only with the old leader's last WAL. Every impossible request is
 * refused with its reason; a scheduled one fires at its time or is cancelled.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchoverIT {

    private static final String SCENARIO = "switchover";

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    @Test
    @Order(1)
    void theCandidateTakesOverAndTheOldLeaderStreamsFromItWithNoWriteLost() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);
        AgentProcess candidate = standbys.get(1);
        AgentProcess bystander = standbys.get(0);
        int oldTimeline = old.timeline();
        Map<String, Instant> started = Failover.postmasterStartTimes(List.of(old, bystander));
        Failover.awaitEachStreaming(old, standbys, System.nanoTime(), Duration.ofSeconds(30));

        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);

            long requested = System.nanoTime();
            String said = Regentctl.run(ctl("switchover", "--leader", old.name(), "--candidate", candidate.name(), "--force"));
            assertThat(said).contains("Success").contains(candidate.name());

            AgentProcess primary = Failover.awaitNewPrimary(cluster, old, Duration.ofSeconds(30));
            Duration toPrimary = since(requested);
            Map<String, Duration> streaming = Failover.awaitEachStreaming(primary, List.of(old, bystander), requested,
                    Duration.ofSeconds(30));
            Writer.Ack first = writer.awaitAckAfter(requested, primary, Duration.ofSeconds(10));
            writer.awaitAckAfter(first.nanos(), primary, Duration.ofSeconds(10));
            writer.stop();

            measured(SCENARIO, "request -> new primary answers /primary", toPrimary);
            measured(SCENARIO, "longest gap between acknowledged writes", writer.longestGap());
            measured(SCENARIO, "request -> old leader and bystander streaming from the new primary",
                    streaming.values().stream().max(Duration::compareTo).orElseThrow());

            assertThat(primary.name()).as("the new primary is the named candidate").isEqualTo(candidate.name());
            int timeline = Failover.assertConverged(cluster, primary, List.of(old, bystander), Duration.ofSeconds(10));
            assertThat(timeline).isEqualTo(oldTimeline + 1);
            Failover.assertNoAcknowledgedWriteLost(writer, primary);
            Failover.assertNoSplitBrain(checker, primary);
            Failover.assertNotRestarted(List.of(bystander), started);
            assertThat(old.postmasterStartTime()).as("the old leader restarted once, as a standby")
                    .isAfter(started.get(old.name()));
            Failover.assertHistoryRecordsSwitch(cluster, oldTimeline, primary);
            Failover.await("the carried-out request is deleted", Duration.ofSeconds(10), () -> failoverKey().isEmpty());
        }
    }

    @Test
    @Order(2)
    void everyImpossibleRequestIsRefusedWithItsReasonAndChangesNothing() throws Exception {
        AgentProcess leader = Failover.awaitSteadyCluster(cluster);
        AgentProcess standby = Failover.othersThan(cluster, leader).get(0);

        assertRefused(post(leader, "/switchover", "{\"leader\": \"" + leader.name() + "\", \"candidate\": \"node9\"}"),
                412, "no member named node9");
        assertRefused(post(leader, "/switchover", "{\"leader\": \"" + standby.name() + "\"}"), 412, "is not the leader");
        assertRefused(post(leader, "/switchover", "{\"leader\": \"" + leader.name() + "\", \"candidate\": \"" + leader.name()
                + "\"}"), 412, "is already the leader");
        assertRefused(post(leader, "/switchover", "{\"leader\": \"" + leader.name() + "\", \"scheduled_at\": \"2001-01-01T00:00:00Z\"}"),
                412, "not in the future");
        assertRefused(post(standby, "/failover", "{\"candidate\": \"" + leader.name() + "\"}"), 412, "is already the leader");
        assertRefused(post(leader, "/switchover", "{\"candidate\": \"" + standby.name() + "\"}"), 400, "leader is required");
        assertRefused(post(leader, "/switchover", "{\"leader\": "), 400, "malformed JSON");
        assertRefused(post(leader, "/switchover", "{\"leader\": \"" + leader.name() + "\", \"scheduled_at\": \"tomorrow\"}"),
                400, "scheduled_at");
        Regentctl.Result unknown = Regentctl.exec(ctl("switchover", "--leader", leader.name(), "--candidate", "node9", "--force"));
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err() + unknown.out()).contains("node9");

        assertThat(failoverKey()).as("nothing was recorded").isEmpty();
        assertThat(cluster.leaderKey()).contains(leader.name());
    }

    @Test
    @Order(3)
    void aRequestWrittenByHandThatCannotBeDoneIsDroppedAndTheLeaderStays() throws Exception {
        AgentProcess leader = Failover.awaitSteadyCluster(cluster);

        etcd.etcdctl("put", cluster.keyPrefix() + "failover", "{\"leader\": \"" + leader.name() + "\", \"member\": \"node9\"}");

        Failover.await("the impossible request is deleted", Duration.ofSeconds(15), () -> failoverKey().isEmpty());
        assertThat(cluster.leaderKey()).contains(leader.name());
        assertThat(leader.isWritable()).isTrue();
        assertThat(leader.logTail(200)).contains("cannot hand over to node9: no member named node9");
    }

    @Test
    @Order(4)
    void aScheduledSwitchoverCanBeCancelledAndAnotherFiresAtItsTime() throws Exception {
        AgentProcess leader = Failover.awaitSteadyCluster(cluster);
        AgentProcess candidate = Failover.othersThan(cluster, leader).get(0);
        Failover.awaitEachStreaming(leader, Failover.othersThan(cluster, leader), System.nanoTime(), Duration.ofSeconds(30));

        HttpResponse<String> far = post(leader, "/switchover", "{\"leader\": \"" + leader.name() + "\", \"scheduled_at\": \""
                + Instant.now().plusSeconds(3600) + "\"}");
        assertThat(far.statusCode()).as(far.body()).isEqualTo(202);
        assertThat(Regentctl.run(ctl("list"))).contains("Switchover scheduled");
        assertRefused(post(leader, "/failover", "{\"candidate\": \"" + candidate.name() + "\"}"), 412, "already scheduled");
        String cancelled = Regentctl.run(ctl("switchover", "--cancel"));
        assertThat(cancelled).containsIgnoringCase("cancel");
        Failover.await("the cancelled request is gone", Duration.ofSeconds(10), () -> failoverKey().isEmpty());

        Instant at = Instant.now().plusSeconds(6);
        HttpResponse<String> soon = post(leader, "/switchover", "{\"leader\": \"" + leader.name() + "\", \"candidate\": \""
                + candidate.name() + "\", \"scheduled_at\": \"" + at + "\"}");
        assertThat(soon.statusCode()).as(soon.body()).isEqualTo(202);
        assertThat(cluster.leaderKey()).as("not before its time").contains(leader.name());

        AgentProcess primary = Failover.awaitNewPrimary(cluster, leader, Duration.ofSeconds(40));
        assertThat(primary.name()).isEqualTo(candidate.name());
        assertThat(Instant.now()).as("it fired at its time, not before").isAfter(at);
        Failover.assertConverged(cluster, primary, Failover.othersThan(cluster, primary), Duration.ofSeconds(30));
    }

    @Test
    @Order(5)
    void aManualFailoverPromotesTheNamedStandby() throws Exception {
        AgentProcess leader = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, leader);
        Failover.awaitEachStreaming(leader, standbys, System.nanoTime(), Duration.ofSeconds(30));
        AgentProcess candidate = standbys.get(1);

        String said = Regentctl.run(ctl("failover", "--candidate", candidate.name(), "--force"));

        assertThat(said).contains("Success").contains(candidate.name());
        AgentProcess primary = Failover.awaitNewPrimary(cluster, leader, Duration.ofSeconds(30));
        assertThat(primary.name()).isEqualTo(candidate.name());
        Failover.assertConverged(cluster, primary, Failover.othersThan(cluster, primary), Duration.ofSeconds(30));
    }

    private static void assertRefused(HttpResponse<String> response, int code, String reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(code);
        assertThat(response.body()).contains(reason);
    }

    private static HttpResponse<String> post(AgentProcess node, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.apiUrl() + path))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String[] ctl(String... command) {
        return Regentctl.against(etcd, cluster, command);
    }

    private static String failoverKey() {
        return etcd.etcdctl("get", cluster.keyPrefix() + "failover", "--print-value-only").trim();
    }
}
