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
 * @param primaryStartTimeout    seconds the leader may take to bring its crashed PostgreSQL back before it
 *                               gives up the leader key so that a standby takes over
 */
public record HaConfig(Integer ttl, Integer loopWait, Integer retryTimeout, Long maximumLagOnFailover,
                       Integer primaryStartTimeout) {

    public static final int DEFAULT_PRIMARY_START_TIMEOUT = 10;
    public static final HaConfig DEFAULTS = new HaConfig(30, 10, 10, 1_048_576L, DEFAULT_PRIMARY_START_TIMEOUT);

    public HaConfig {
        ttl = ttl == null ? 30 : ttl;
        loopWait = loopWait == null ? 10 : loopWait;
        retryTimeout = retryTimeout == null ? 10 : retryTimeout;
        maximumLagOnFailover = maximumLagOnFailover == null ? 1_048_576L : maximumLagOnFailover;
        primaryStartTimeout = primaryStartTimeout == null ? DEFAULT_PRIMARY_START_TIMEOUT : primaryStartTimeout;
    }

    /** Rejects (never clamps) timings that would let a lease expire before its owner notices. */
    public HaConfig validated(String path) {
        positive(path + ".ttl", ttl);
        positive(path + ".loop_wait", loopWait);
        positive(path + ".retry_timeout", retryTimeout);
        positive(path + ".primary_start_timeout", primaryStartTimeout);
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

    public Duration retryTimeoutDuration() {
        return Duration.ofSeconds(retryTimeout);
    }
}
