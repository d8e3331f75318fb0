package io.regent.agent.api;

import io.regent.agent.status.LoopSnapshot;
import io.regent.agent.status.NodeStatus;
import io.regent.agent.status.Replication;
import io.regent.common.model.PgState;
import io.regent.common.model.Role;
import io.regent.common.model.Tags;
import java.util.Locale;
import java.util.Map;

/**
 * The answers of the health checks, as pure functions of what the HA loop last published, the request's
 * filters and the monotonic time of the request. Semantics follow Patroni's REST API; where Regent is
 * stricter it says so.
 */
final class HealthChecks {

    private final Tags tags;

    /** {@code tags}: this member's tags, for {@code tag_<key>=<value>} filters. */
    HealthChecks(Tags tags) {
        this.tags = tags;
    }

    /**
     * {@code /primary}: this node holds the leader key, runs as primary, and its lease is still valid on
     * the monotonic clock at the time of the request (nobody else can have been promoted yet). Tag filters
     * are ignored here, as Patroni ignores them on the leader's endpoints.
     */
    boolean primary(LoopSnapshot s, HealthQuery q, long nowNanos) {
        return isWritableLeader(s.status(), nowNanos);
    }

    /**
     * {@code /replica}: a running standby that streams (stricter than Patroni, which also accepts a
     * standby that has lost its upstream), within {@code ?lag=} of the cluster's last leader position,
     * whose tags match the filters. A member tagged {@code noloadbalance} answers 503: Regent has no
     * such tag yet, so none is.
     */
    boolean replica(LoopSnapshot s, HealthQuery q) {
        NodeStatus status = s.status();
        return isStreamingStandby(status) && withinLag(s, q) && tagsMatch(q);
    }

    /** {@code /read-only}: the writable leader, or a healthy replica (with the filters of {@code /replica}). */
    boolean readOnly(LoopSnapshot s, HealthQuery q, long nowNanos) {
        return primary(s, q, nowNanos) || replica(s, q);
    }

    /** {@code /sync}: a healthy replica that is a synchronous standby of the leader. */
    boolean synchronous(LoopSnapshot s, HealthQuery q) {
        return replica(s, q) && Replication.isSynchronous(s.view(), s.status().name());
    }

    /** {@code /async}: a healthy replica that is not a synchronous standby. */
    boolean asynchronous(LoopSnapshot s, HealthQuery q) {
        return replica(s, q) && !Replication.isSynchronous(s.view(), s.status().name());
    }

    /** {@code /health}: PostgreSQL is up and running, whatever its role. */
    boolean health(LoopSnapshot s) {
        return s.status().state() == PgState.RUNNING;
    }

    /**
     * {@code /liveness}: the HA loop published a cycle within {@code ttl} (on the leader) or twice
     * {@code ttl} (elsewhere), as Patroni's heartbeat check.
     */
    boolean liveness(LoopSnapshot s, long nowNanos) {
        if (!s.cycled()) {
            return false;
        }
        long allowed = s.config().ttlDuration().toNanos() * (s.status().leader() ? 1 : 2);
        return nowNanos - s.status().cycleAtNanos() <= allowed;
    }

    /**
     * {@code /readiness}: the writable leader, or a running standby that streams and is within {@code ?lag=}
     * (default {@code maximum_lag_on_failover}) of the cluster's last leader position.
     */
    boolean readiness(LoopSnapshot s, HealthQuery q, long nowNanos) {
        if (isWritableLeader(s.status(), nowNanos)) {
            return true;
        }
        long maxLag = q.maxLagBytes().orElse(s.config().maximumLagOnFailover());
        return isStreamingStandby(s.status()) && lagAtMost(s, maxLag);
    }

    private static boolean isWritableLeader(NodeStatus status, long nowNanos) {
        return status.leader() && status.role() == Role.PRIMARY && status.state() == PgState.RUNNING
                && status.leaseValidUntilNanos() - nowNanos > 0;
    }

    private static boolean isStreamingStandby(NodeStatus status) {
        return status.role() == Role.REPLICA && status.state() == PgState.RUNNING && status.streaming();
    }

    private static boolean withinLag(LoopSnapshot s, HealthQuery q) {
        return q.maxLagBytes().map(max -> lagAtMost(s, max)).orElse(true);
    }

    /** An unknown lag (no leader position published yet) passes, as in Patroni. */
    private static boolean lagAtMost(LoopSnapshot s, long maxBytes) {
        return Replication.lagBytes(s.view(), s.status().xlogLocation()).map(lag -> lag <= maxBytes).orElse(true);
    }

    private boolean tagsMatch(HealthQuery q) {
        if (q.tags().isEmpty()) {
            return true;
        }
        Map<String, String> mine = tagValues(tags);
        return q.tags().entrySet().stream().allMatch(filter -> {
            String value = mine.get(filter.getKey());
            return value != null && value.equalsIgnoreCase(filter.getValue());
        });
    }

    /** The member's tags as the strings a query compares them with ({@code priority=100}, {@code nofailover=false}). */
    static Map<String, String> tagValues(Tags tags) {
        return Map.of("priority", Integer.toString(tags.priority()),
                "location", tags.location(),
                "nofailover", Boolean.toString(tags.nofailover()).toLowerCase(Locale.ROOT),
                "nosync", Boolean.toString(tags.nosync()).toLowerCase(Locale.ROOT));
    }
}
