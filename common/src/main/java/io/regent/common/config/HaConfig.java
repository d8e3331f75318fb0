package io.regent.common.config;

import java.time.Duration;

/**
 * The cluster-wide timings and limits that every agent must agree on (Patroni's dynamic
 * configuration, stored in the {@code config} key; seeded from {@code bootstrap.dcs}).
 *
 * @param ttl                    seconds a leader lease lives without renewal
 * @param loopWait               seconds between HA loop cycles when nothing happens
 * @param retryTimeout           seconds an etcd or PostgreSQL call may take before it counts as failed
 * @param maximumLagOnFailover   bytes a standby may be behind the last leader position and still be promoted
 */
public record HaConfig(Integer ttl, Integer loopWait, Integer retryTimeout, Long maximumLagOnFailover) {

    public static final HaConfig DEFAULTS = new HaConfig(30, 10, 10, 1_048_576L);

    public HaConfig {
        ttl = ttl == null ? DEFAULTS.ttl : ttl;
        loopWait = loopWait == null ? DEFAULTS.loopWait : loopWait;
        retryTimeout = retryTimeout == null ? DEFAULTS.retryTimeout : retryTimeout;
        maximumLagOnFailover = maximumLagOnFailover == null ? DEFAULTS.maximumLagOnFailover : maximumLagOnFailover;
    }

    /** Rejects (never clamps) timings that would let a lease expire before its owner notices. */
    public HaConfig validated(String path) {
        positive(path + ".ttl", ttl);
        positive(path + ".loop_wait", loopWait);
        positive(path + ".retry_timeout", retryTimeout);
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

    public Duration retryTimeoutDuration() {
        return Duration.ofSeconds(retryTimeout);
    }
}
