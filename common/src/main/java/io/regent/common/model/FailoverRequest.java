package io.regent.common.model;

import java.time.Instant;
import java.util.Optional;

/**
 * An operator's request in the {@code failover} key, in Patroni's shape
 * {@code {"leader": …, "member": …, "scheduled_at": …}}.
 *
 * <p>A <em>switchover</em> names the current {@code leader} (it is planned: the leader is alive and hands
 * over); a <em>failover</em> names only a {@code candidate} and is honoured with or without a leader.
 * Without a candidate the best standby is chosen. A request with {@code scheduledAt} waits for its time.
 */
public record FailoverRequest(Optional<String> leader, Optional<String> candidate, Optional<Instant> scheduledAt) {

    public FailoverRequest {
        if (leader.isEmpty() && candidate.isEmpty()) {
            throw new IllegalArgumentException("a failover request names a leader, a candidate (member) or both");
        }
    }

    public static FailoverRequest switchover(String leader, Optional<String> candidate, Optional<Instant> scheduledAt) {
        return new FailoverRequest(Optional.of(leader), candidate, scheduledAt);
    }

    public static FailoverRequest failoverTo(String candidate) {
        return new FailoverRequest(Optional.empty(), Optional.of(candidate), Optional.empty());
    }

    public boolean isSwitchover() {
        return leader.isPresent();
    }

    /** True when the request has no time, or its time has come. */
    public boolean isDue(Instant now) {
        return scheduledAt.map(at -> !now.isBefore(at)).orElse(true);
    }
}
