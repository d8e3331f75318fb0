package io.regent.agent.status;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.regent.common.model.PgState;
import io.regent.common.model.Role;
import io.regent.common.time.MonotonicClock;
import java.util.function.ToDoubleFunction;

/**
 * The agent's Prometheus metrics, all prefixed {@code regent_}. Gauges read the last published
 * {@link LoopSnapshot} when scraped; the loop duration and the decision counters are recorded once per
 * cycle through {@link StatusBoard#subscribe}. Unknown values (no timeline before PostgreSQL answers, no
 * lag on the leader) are {@code NaN}, as Prometheus expects.
 */
public final class NodeMetrics {

    private final MeterRegistry registry;
    private final Timer loopDuration;

    private NodeMetrics(MeterRegistry registry, StatusBoard board, MonotonicClock clock) {
        this.registry = registry;
        for (Role role : Role.values()) {
            gauge("regent.role", "1 for this node's current role, 0 for the others", board,
                    s -> s.status().role() == role ? 1 : 0).tag("role", role.wire()).register(registry);
        }
        gauge("regent.leader", "1 while this node holds the leader key", board, s -> s.status().leader() ? 1 : 0)
                .register(registry);
        gauge("regent.postgres.running", "1 while PostgreSQL runs and answers", board,
                s -> s.status().state() == PgState.RUNNING ? 1 : 0).register(registry);
        gauge("regent.timeline", "PostgreSQL's current timeline", board,
                s -> s.status().timeline() == null ? Double.NaN : s.status().timeline()).register(registry);
        gauge("regent.xlog.location.bytes", "this node's WAL position (write position of a primary, received or"
                + " replayed position of a standby)", board,
                s -> s.status().xlogLocation() == null ? Double.NaN : s.status().xlogLocation()).register(registry);
        gauge("regent.leader.xlog.location.bytes", "the cluster's last known leader WAL position", board,
                s -> Replication.leaderPosition(s.view()).map(lsn -> (double) lsn.value()).orElse(Double.NaN))
                .register(registry);
        gauge("regent.replication.lag.bytes", "bytes this standby is behind the last known leader position", board,
                NodeMetrics::lag).register(registry);
        gauge("regent.lease.remaining.seconds", "seconds this member's etcd lease stays valid without renewal", board,
                s -> leaseRemaining(s, clock)).register(registry);
        gauge("regent.paused", "1 while the cluster is in maintenance mode", board, s -> s.view().paused() ? 1 : 0)
                .register(registry);
        gauge("regent.ha.loop.last.cycle.age.seconds", "seconds since the HA loop last published a cycle", board,
                s -> s.cycled() ? (clock.nanos() - s.status().cycleAtNanos()) / 1e9 : Double.NaN).register(registry);
        loopDuration = Timer.builder("regent.ha.loop.duration").description("duration of one HA loop cycle")
                .register(registry);
        board.subscribe(this::onCycle);
    }

    /** Registers the metrics on {@code registry} and starts recording the cycles {@code board} publishes. */
    public static NodeMetrics bind(MeterRegistry registry, StatusBoard board, MonotonicClock clock) {
        return new NodeMetrics(registry, board, clock);
    }

    private void onCycle(LoopSnapshot snapshot) {
        loopDuration.record(snapshot.cycleTook());
        snapshot.decision().ifPresent(kind -> Counter.builder("regent.decisions")
                .description("HA decisions taken, by kind").tag("kind", kind).register(registry).increment());
    }

    private static Gauge.Builder<StatusBoard> gauge(String name, String help, StatusBoard board,
                                                    ToDoubleFunction<LoopSnapshot> value) {
        return Gauge.builder(name, board, b -> value.applyAsDouble(b.snapshot())).description(help);
    }

    private static double lag(LoopSnapshot snapshot) {
        if (snapshot.status().role() != Role.REPLICA) {
            return Double.NaN;
        }
        return Replication.lagBytes(snapshot.view(), snapshot.status().xlogLocation()).map(Long::doubleValue)
                .orElse(Double.NaN);
    }

    private static double leaseRemaining(LoopSnapshot snapshot, MonotonicClock clock) {
        if (!snapshot.cycled() || snapshot.status().leaseValidUntilNanos() == 0) {
            return Double.NaN;
        }
        return Math.max(0, snapshot.status().leaseValidUntilNanos() - clock.nanos()) / 1e9;
    }
}
