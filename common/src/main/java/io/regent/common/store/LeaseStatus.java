package io.regent.common.store;

/**
 * The member's lease after a keepalive: valid until {@code validUntilNanos} on the monotonic clock,
 * computed from the moment the keepalive was <em>sent</em>, so the agent never believes in a lease
 * longer than etcd does. {@code regranted} is true when the old lease had expired and a new one
 * was granted: every key attached to the old one (member key, leader key) is gone.
 */
public record LeaseStatus(long leaseId, long validUntilNanos, boolean regranted) {
}
