package io.regent.common.config;

import java.time.Duration;
import java.util.Map;

/**
 * The cluster-wide timings and limits that every agent must agree on (Patroni's dynamic
 * configuration, stored in the {@code config} key; seeded from {@code bootstrap.dcs}).
 *
 * @param ttl                    seconds a leader lease lives without renewal
 * @param loopWait               seconds between HA loop cycles when nothing happens
 * @param retryTimeout           seconds an etcd or PostgreSQL call may take before it counts as failed
 * @param maximumLagOnFailover   bytes a standby may be behind the last leader position and still be promoted
 * @param primaryStartTimeout    seconds the leader may take to bring its crashed PostgreSQL back before it
 *                               gives up the leader key so that a standby takes over
 * @param memberSlotsTtl         seconds a departed member's replication slot is kept (retaining WAL for its return) before the
 *                               leader drops it (default 1800)
 * @param slots                  permanent physical slots the leader keeps whatever the membership, by name
 *                               (Patroni's {@code slots: {name: {type: physical}}})
 * @param synchronousMode        off, on, strict or quorum (see {@link SynchronousMode})
 * @param synchronousNodeCount   how many standbys the leader names synchronous ({@code on}/{@code strict}), or the k of
 *                               {@code ANY k (...)} ({@code quorum}); default 1
 * @param failsafeMode           when etcd loses quorum, a leader that reaches every member over the REST API stays primary
 *                               instead of demoting (Patroni's {@code failsafe_mode}); default off
 */
public record HaConfig(Integer ttl, Integer loopWait, Integer retryTimeout, Long maximumLagOnFailover,
                       Integer primaryStartTimeout, Integer memberSlotsTtl,
                       Map<String, Map<String, Object>> slots, SynchronousMode synchronousMode,
                       Integer synchronousNodeCount, Boolean failsafeMode) {

    public static final int DEFAULT_PRIMARY_START_TIMEOUT = 10;
    public static final int DEFAULT_MEMBER_SLOTS_TTL = 1800;
    public static final HaConfig DEFAULTS = new HaConfig(30, 10, 10, 1_048_576L, DEFAULT_PRIMARY_START_TIMEOUT, null, null,
            null, null, null);

    public HaConfig {
        ttl = ttl == null ? 30 : ttl;
        loopWait = loopWait == null ? 10 : loopWait;
        retryTimeout = retryTimeout == null ? 10 : retryTimeout;
        maximumLagOnFailover = maximumLagOnFailover == null ? 1_048_576L : maximumLagOnFailover;
        primaryStartTimeout = primaryStartTimeout == null ? DEFAULT_PRIMARY_START_TIMEOUT : primaryStartTimeout;
        memberSlotsTtl = memberSlotsTtl == null ? DEFAULT_MEMBER_SLOTS_TTL : memberSlotsTtl;
        slots = slots == null ? Map.of() : Map.copyOf(slots);
        synchronousMode = synchronousMode == null ? SynchronousMode.OFF : synchronousMode;
        synchronousNodeCount = synchronousNodeCount == null ? 1 : synchronousNodeCount;
        failsafeMode = failsafeMode != null && failsafeMode;
    }

    /** Rejects (never clamps) timings that would let a lease expire before its owner notices. */
    public HaConfig validated(String path) {
        positive(path + ".ttl", ttl);
        positive(path + ".loop_wait", loopWait);
        positive(path + ".retry_timeout", retryTimeout);
        positive(path + ".primary_start_timeout", primaryStartTimeout);
        if (memberSlotsTtl < 0) {
            throw new ConfigException(path + ".member_slots_ttl", "must be >= 0 (got " + memberSlotsTtl + ")");
        }
        slots.forEach((name, spec) -> {
            if (!SlotNames.isValid(name)) {
                throw new ConfigException(path + ".slots." + name, "not a valid slot name (lower-case letters, digits and _,"
                        + " at most 63)");
            }
            Object type = spec == null ? "physical" : spec.getOrDefault("type", "physical");
            if (!"physical".equals(type)) {
                throw new ConfigException(path + ".slots." + name + ".type", "only physical permanent slots are supported"
                        + " (got " + type + ")");
            }
        });
        if (synchronousNodeCount < 1) {
            throw new ConfigException(path + ".synchronous_node_count", "must be >= 1 (got " + synchronousNodeCount + ")");
        }
        if (maximumLagOnFailover < 0) {
            throw new ConfigException(path + ".maximum_lag_on_failover", "must be >= 0 (got " + maximumLagOnFailover + ")");
        }
        if (loopWait + 2 * retryTimeout > ttl) {
            throw new ConfigException(path + ".ttl", "must be >= loop_wait + 2*retry_timeout = "
                    + (loopWait + 2 * retryTimeout) + " (got " + ttl + ")");
        }
        return this;
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new ConfigException(field, "must be > 0 (got " + value + ")");
        }
    }

    public Duration ttlDuration() {
        return Duration.ofSeconds(ttl);
    }

    public Duration loopWaitDuration() {
        return Duration.ofSeconds(loopWait);
    }

    public Duration primaryStartTimeoutDuration() {
        return Duration.ofSeconds(primaryStartTimeout);
    }

    public Duration memberSlotsTtlDuration() {
        return Duration.ofSeconds(memberSlotsTtl);
    }

    public Duration retryTimeoutDuration() {
        return Duration.ofSeconds(retryTimeout);
    }
}
