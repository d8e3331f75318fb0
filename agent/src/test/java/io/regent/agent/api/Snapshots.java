package io.regent.agent.api;

import io.regent.agent.status.LoopSnapshot;
import io.regent.agent.status.NodeStatus;
import io.regent.common.config.HaConfig;
import io.regent.common.model.ClusterView;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.HistoryEntry;
import io.regent.common.model.LeaderLock;
import io.regent.common.model.Lsn;
import io.regent.common.model.Member;
import io.regent.common.model.PgState;
import io.regent.common.model.Role;
import io.regent.common.model.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Published snapshots for the API tests: a 3-member cluster led by pg0 (leader position 0/5000000), seen
 * from one node in a given state. Times are on a monotonic clock that reads {@link #NOW}.
 */
final class Snapshots {

    static final long NOW = 1_000_000_000_000L;
    static final long LEADER_POSITION = 0x5000000L;
    static final HaConfig CONFIG = new HaConfig(30, 10, 10, 1_048_576L, 10, null, null, null, null, null);

    private Snapshots() {
    }

    static Member member(String name, Role role, PgState state, Long xlog, String upstream) {
        return new Member(name, role, state, "postgres://127.0.0.1:" + (5432 + name.charAt(2) - '0') + "/postgres",
                "http://127.0.0.1:" + (8008 + name.charAt(2) - '0') + "/patroni", xlog, 1, upstream, Tags.DEFAULTS, "15.8", 7);
    }

    /** The cluster as etcd has it: pg0 leads; pg1 streams 1 kB behind; pg2 is stopped. */
    static ClusterView view(boolean paused, Optional<FailoverRequest> failover) {
        Map<String, Member> members = Map.of(
                "pg0", member("pg0", Role.PRIMARY, PgState.RUNNING, LEADER_POSITION, null),
                "pg1", member("pg1", Role.REPLICA, PgState.RUNNING, LEADER_POSITION - 1024, "pg0"),
                "pg2", member("pg2", Role.REPLICA, PgState.STOPPED, null, null));
        List<HistoryEntry> history = List.of(new HistoryEntry(1, new Lsn(0x3000000L), "no recovery target specified",
                Instant.parse("2026-11-25T18:00:00Z"), "pg0"));
        return new ClusterView(42, Optional.of("7712141564002449255"), Optional.of(new LeaderLock("pg0", 40, 1)), members,
                Optional.of(CONFIG), Optional.of(new Lsn(LEADER_POSITION - 4096)), Optional.of("default"), history, List.of(),
                failover, paused, Optional.empty());
    }

    static ClusterView view() {
        return view(false, Optional.empty());
    }

    static LoopSnapshot primary() {
        return cycle(status("pg0", Role.PRIMARY, PgState.RUNNING, LEADER_POSITION, true, false, null), view());
    }

    /** A streaming standby {@code behind} bytes behind the leader position. */
    static LoopSnapshot replica(long behind) {
        return cycle(status("pg1", Role.REPLICA, PgState.RUNNING, LEADER_POSITION - behind, false, true, "pg0"), view());
    }

    static LoopSnapshot stopped() {
        return cycle(status("pg2", Role.REPLICA, PgState.STOPPED, null, false, false, null), view());
    }

    /** A standby whose PostgreSQL runs but whose WAL receiver is not streaming. */
    static LoopSnapshot disconnectedReplica() {
        return cycle(status("pg1", Role.REPLICA, PgState.RUNNING, LEADER_POSITION, false, false, null), view());
    }

    static LoopSnapshot starting() {
        return LoopSnapshot.starting(NodeStatus.starting("demo", "pg1"), CONFIG);
    }

    static LoopSnapshot cycle(NodeStatus status, ClusterView view) {
        return LoopSnapshot.ofCycle(status, view, CONFIG, "KeepLeading", Duration.ofMillis(12));
    }

    /** Published one second before {@link #NOW}; a leader's lease runs until ten seconds after it. */
    static NodeStatus status(String name, Role role, PgState state, Long xlog, boolean leader, boolean streaming,
                             String upstream) {
        return new NodeStatus("demo", name, role, state, xlog == null ? null : 1, xlog, "15.8", "7712141564002449255",
                leader, NOW + Duration.ofSeconds(10).toNanos(), streaming, upstream, "a reason", NOW - Duration.ofSeconds(1).toNanos());
    }
}
