package io.regent.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.model.FailoverRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterJsonTest {

    @Test
    void every_member_is_listed_with_role_state_address_timeline_lag_and_tags() {
        JsonObject cluster = ClusterJson.cluster("demo", Snapshots.view());
        JsonArray members = cluster.getJsonArray("members");
        assertThat(cluster.getString("scope")).isEqualTo("demo");
        assertThat(members).hasSize(3);

        JsonObject leader = members.getJsonObject(0);
        assertThat(leader.getString("name")).isEqualTo("pg0");
        assertThat(leader.getString("role")).isEqualTo("leader");
        assertThat(leader.getString("state")).isEqualTo("running");
        assertThat(leader.getString("host")).isEqualTo("127.0.0.1");
        assertThat(leader.getInteger("port")).isEqualTo(5432);
        assertThat(leader.getString("api_url")).isEqualTo("http://127.0.0.1:8008/patroni");
        assertThat(leader.getInteger("timeline")).isEqualTo(1);
        assertThat(leader.containsKey("lag")).as("the leader has no lag").isFalse();
        assertThat(leader.getJsonObject("tags").getInteger("priority")).isEqualTo(100);

        JsonObject streaming = members.getJsonObject(1);
        assertThat(streaming.getString("role")).isEqualTo("replica");
        assertThat(streaming.getString("state")).isEqualTo("streaming");
        assertThat(streaming.getLong("lag")).as("behind the leader member's position, ahead of the status optime").isEqualTo(1024);
        assertThat(streaming.getString("upstream")).isEqualTo("pg0");

        JsonObject stopped = members.getJsonObject(2);
        assertThat(stopped.getString("state")).isEqualTo("stopped");
        assertThat(stopped.getValue("lag")).isEqualTo("unknown");

        assertThat(cluster.containsKey("pause")).isFalse();
        assertThat(cluster.containsKey("scheduled_switchover")).isFalse();
    }

    @Test
    void pause_and_a_scheduled_switchover_are_shown_as_patroni_shows_them() {
        FailoverRequest scheduled = FailoverRequest.switchover("pg0", Optional.of("pg1"),
                Optional.of(Instant.parse("2026-11-25T20:00:00Z")));
        JsonObject cluster = ClusterJson.cluster("demo", Snapshots.view(true, Optional.of(scheduled)));
        assertThat(cluster.getBoolean("pause")).isTrue();
        assertThat(cluster.getJsonObject("scheduled_switchover"))
                .isEqualTo(new JsonObject().put("at", "2026-11-25T20:00:00Z").put("from", "pg0").put("to", "pg1"));
    }

    @Test
    void an_immediate_request_is_not_a_scheduled_switchover() {
        JsonObject cluster = ClusterJson.cluster("demo", Snapshots.view(false, Optional.of(FailoverRequest.failoverTo("pg1"))));
        assertThat(cluster.containsKey("scheduled_switchover")).isFalse();
    }

    @Test
    void history_is_patroni_list_of_lists() {
        assertThat(ClusterJson.history(Snapshots.view()).encode())
                .isEqualTo("[[1,50331648,\"no recovery target specified\",\"2026-11-25T18:00:00Z\",\"pg0\"]]");
    }

    @Test
    void history_carries_the_discarded_wal_notes_as_a_sixth_element() {
        io.regent.common.model.ClusterView v = Snapshots.view();
        io.regent.common.model.ClusterView repaired = new io.regent.common.model.ClusterView(v.revision(), v.initialize(),
                v.leader(), v.members(), v.config(), v.optime(), v.leaderLocation(),
                java.util.List.of(v.history().get(0).withDiscarded("pg1 discarded WAL 0/3000000 to 0/3000100 of timeline 1")),
                v.problems(), v.failover(), v.paused(), v.sync());
        assertThat(ClusterJson.history(repaired).encode()).isEqualTo("[[1,50331648,\"no recovery target specified\","
                + "\"2026-11-25T18:00:00Z\",\"pg0\",[\"pg1 discarded WAL 0/3000000 to 0/3000100 of timeline 1\"]]]");
    }

    @Test
    void config_holds_the_dynamic_settings_and_pause() {
        JsonObject config = ClusterJson.config(Snapshots.CONFIG, true);
        assertThat(config).isEqualTo(new JsonObject().put("ttl", 30).put("loop_wait", 10).put("retry_timeout", 10)
                .put("maximum_lag_on_failover", 1_048_576L).put("primary_start_timeout", 10).put("pause", true));
    }

    @Test
    void the_node_status_says_when_the_cluster_is_unlocked_or_paused_as_patroni_does() {
        io.regent.common.model.ClusterView locked = Snapshots.view(true, Optional.empty());
        JsonObject paused = StatusJson.of(Snapshots.cycle(Snapshots.primary().status(), locked));
        assertThat(paused.getBoolean("pause")).isTrue();
        assertThat(paused.containsKey("cluster_unlocked")).isFalse();
        io.regent.common.model.ClusterView unlocked = new io.regent.common.model.ClusterView(1, locked.initialize(),
                Optional.empty(), locked.members(), locked.config(), locked.optime(), locked.leaderLocation(), locked.history(),
                locked.problems(), Optional.empty(), false, java.util.Optional.empty());
        JsonObject json = StatusJson.of(Snapshots.cycle(Snapshots.replica(0).status(), unlocked));
        assertThat(json.getBoolean("cluster_unlocked")).isTrue();
        assertThat(json.containsKey("pause")).isFalse();
        assertThat(StatusJson.of(Snapshots.starting()).containsKey("cluster_unlocked")).as("before the first cycle").isFalse();
    }
}
