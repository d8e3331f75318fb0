package io.regent.agent.ha;

import io.regent.common.config.HaConfig;
import java.time.Duration;

/**
 * Whether a leader that cannot reach etcd may stay primary on the lease it last renewed, for one more
 * attempt. The lease is what stops anyone else from taking the key, so a leader whose lease outlasts the
 * next attempt ({@code retry_timeout}) plus an immediate stop of PostgreSQL after it loses nothing by
 * waiting: if that attempt fails too, it still stops before the lease can expire.
 *
 * <p>Patroni demotes on the first failed attempt. That turns an etcd raft election (an etcd member restarted,
 * a stall of a second or two on a loaded host) into a failover. The price of waiting is paid only in a real
 * partition with asynchronous replication: the cut-off primary acknowledges writes for one attempt longer,
 * and those are lost when the majority promotes; with synchronous replication they are not acknowledged.
 *
 * <p>The time it counts on is the lease's, cut short by an armed watchdog device: kept alive only after a
 * renewal, the device would reset the whole host before the lease ends.
 */
final class LeaseHold {

    /** The pause before the next attempt: short, yet no spin on an error that comes back at once. */
    static final Duration RETRY_PAUSE = Duration.ofMillis(200);

    /** Left after the last failed attempt for an immediate stop, a slow scheduler included. */
    static final Duration STOP_ALLOWANCE = Duration.ofSeconds(2);

    private LeaseHold() {
    }

    static boolean allowsAnotherAttempt(Duration leaseRemaining, HaConfig config) {
        return leaseRemaining.compareTo(config.retryTimeoutDuration().plus(RETRY_PAUSE).plus(STOP_ALLOWANCE)) > 0;
    }
}
