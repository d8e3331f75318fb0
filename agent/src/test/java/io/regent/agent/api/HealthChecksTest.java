package io.regent.agent.api;

import static io.regent.agent.api.Snapshots.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.agent.status.LoopSnapshot;
import io.regent.common.model.Tags;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthChecksTest {

    private final HealthChecks checks = new HealthChecks(new Tags(100, "dc1", false, false));
    private final HealthQuery none = HealthQuery.NONE;

    private static HealthQuery lag(long bytes) {
        return new HealthQuery(Optional.of(bytes), Map.of());
    }

    private static HealthQuery tags(Map<String, String> tags) {
        return new HealthQuery(Optional.empty(), tags);
    }

    @Test
    void the_running_leader_with_a_valid_lease_is_the_primary_and_nothing_else() {
        LoopSnapshot s = Snapshots.primary();
        assertThat(checks.primary(s, none, NOW)).isTrue();
        assertThat(checks.readOnly(s, none, NOW)).isTrue();
        assertThat(checks.readiness(s, none, NOW)).isTrue();
        assertThat(checks.health(s)).isTrue();
        assertThat(checks.liveness(s, NOW)).isTrue();
        assertThat(checks.replica(s, none)).isFalse();
        assertThat(checks.synchronous(s, none)).isFalse();
        assertThat(checks.asynchronous(s, none)).isFalse();
    }

    @Test
    void a_leader_whose_lease_ran_out_since_the_last_cycle_is_no_longer_primary() {
        long afterLease = NOW + Duration.ofSeconds(11).toNanos();
        assertThat(checks.primary(Snapshots.primary(), none, afterLease)).isFalse();
        assertThat(checks.readiness(Snapshots.primary(), none, afterLease)).isFalse();
    }

    @Test
    void a_streaming_standby_is_a_replica_read_only_async_and_ready_but_not_primary() {
        LoopSnapshot s = Snapshots.replica(1024);
        assertThat(checks.replica(s, none)).isTrue();
        assertThat(checks.readOnly(s, none, NOW)).isTrue();
        assertThat(checks.asynchronous(s, none)).isTrue();
        assertThat(checks.synchronous(s, none)).as("no synchronous replication yet").isFalse();
        assertThat(checks.readiness(s, none, NOW)).isTrue();
        assertThat(checks.health(s)).isTrue();
        assertThat(checks.liveness(s, NOW)).isTrue();
        assertThat(checks.primary(s, none, NOW)).isFalse();
    }

    @Test
    void the_lag_filter_compares_with_the_cluster_last_leader_position() {
        LoopSnapshot s = Snapshots.replica(2048);
        assertThat(checks.replica(s, lag(2048))).isTrue();
        assertThat(checks.replica(s, lag(2047))).isFalse();
        assertThat(checks.readOnly(s, lag(1000), NOW)).isFalse();
        assertThat(checks.asynchronous(s, lag(1000))).isFalse();
        assertThat(checks.readOnly(Snapshots.primary(), lag(0), NOW)).as("the lag filter is about standbys").isTrue();
    }

    @Test
    void readiness_allows_maximum_lag_on_failover_unless_the_query_says_otherwise() {
        assertThat(checks.readiness(Snapshots.replica(1_048_576), none, NOW)).isTrue();
        assertThat(checks.readiness(Snapshots.replica(1_048_577), none, NOW)).isFalse();
        assertThat(checks.readiness(Snapshots.replica(4096), lag(1024), NOW)).isFalse();
    }

    @Test
    void tag_filters_must_all_match_the_member_tags() {
        LoopSnapshot s = Snapshots.replica(0);
        assertThat(checks.replica(s, tags(Map.of("location", "dc1")))).isTrue();
        assertThat(checks.replica(s, tags(Map.of("location", "DC1", "nofailover", "false", "priority", "100")))).isTrue();
        assertThat(checks.replica(s, tags(Map.of("location", "dc2")))).isFalse();
        assertThat(checks.replica(s, tags(Map.of("nofailover", "true")))).isFalse();
        assertThat(checks.replica(s, tags(Map.of("clonefrom", "true")))).as("a tag the member lacks").isFalse();
        assertThat(checks.primary(Snapshots.primary(), tags(Map.of("location", "dc2")), NOW))
                .as("Patroni ignores tag filters on the leader's endpoints").isTrue();
    }

    @Test
    void a_stopped_node_answers_no_to_everything_but_liveness() {
        LoopSnapshot s = Snapshots.stopped();
        assertThat(checks.primary(s, none, NOW)).isFalse();
        assertThat(checks.replica(s, none)).isFalse();
        assertThat(checks.readOnly(s, none, NOW)).isFalse();
        assertThat(checks.asynchronous(s, none)).isFalse();
        assertThat(checks.health(s)).isFalse();
        assertThat(checks.readiness(s, none, NOW)).isFalse();
        assertThat(checks.liveness(s, NOW)).as("the HA loop itself runs").isTrue();
    }

    @Test
    void a_standby_that_does_not_stream_is_healthy_but_not_a_replica_for_load_balancers() {
        LoopSnapshot s = Snapshots.disconnectedReplica();
        assertThat(checks.health(s)).isTrue();
        assertThat(checks.replica(s, none)).isFalse();
        assertThat(checks.readiness(s, none, NOW)).isFalse();
    }

    @Test
    void a_starting_agent_is_neither_alive_nor_ready_until_its_first_cycle() {
        LoopSnapshot s = Snapshots.starting();
        assertThat(checks.liveness(s, NOW)).isFalse();
        assertThat(checks.readiness(s, none, NOW)).isFalse();
        assertThat(checks.health(s)).isFalse();
        assertThat(checks.primary(s, none, NOW)).isFalse();
        assertThat(checks.replica(s, none)).isFalse();
    }

    @Test
    void liveness_fails_once_the_loop_has_not_published_for_ttl_on_the_leader_and_twice_ttl_elsewhere() {
        long published = NOW - Duration.ofSeconds(1).toNanos();
        long afterTtl = published + Duration.ofSeconds(31).toNanos();
        long afterTwiceTtl = published + Duration.ofSeconds(61).toNanos();
        assertThat(checks.liveness(Snapshots.primary(), afterTtl)).isFalse();
        assertThat(checks.liveness(Snapshots.replica(0), afterTtl)).isTrue();
        assertThat(checks.liveness(Snapshots.replica(0), afterTwiceTtl)).isFalse();
    }
}
