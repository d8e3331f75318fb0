package io.regent.common.model;

import java.time.Instant;

/**
 * One line of the cluster's timeline history (the {@code history} key), in Patroni's shape:
 * {@code [timeline, switch_lsn, reason, timestamp, new_leader]}, where {@code timeline} is the
 * timeline that ended at {@code switchLsn} when {@code newLeader} was promoted.
 */
public record HistoryEntry(int timeline, Lsn switchLsn, String reason, Instant timestamp, String newLeader) {
}
