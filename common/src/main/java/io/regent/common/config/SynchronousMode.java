package io.regent.common.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How the leader trades availability for durability ({@code synchronous_mode} in the dynamic config).
 * Patroni's boolean spelling is accepted: {@code true} is {@link #ON}, {@code false} is {@link #OFF}.
 */
public enum SynchronousMode {
    /** Asynchronous replication: a failover may lose the commits the standbys had not received. */
    OFF,
    /** The leader names healthy standbys in {@code synchronous_standby_names}; only they may be promoted. */
    ON,
    /** As {@link #ON}, but with no healthy synchronous standby writes block instead of degrading to asynchronous. */
    STRICT,
    /** {@code ANY k (...)}: a commit waits for any k standbys; a promotion needs a member every acknowledging set overlaps. */
    QUORUM;

    @JsonCreator
    public static SynchronousMode parse(Object value) {
        if (value == null || Boolean.FALSE.equals(value)) {
            return OFF;
        }
        if (Boolean.TRUE.equals(value)) {
            return ON;
        }
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "off", "false" -> OFF;
            case "on", "true" -> ON;
            case "strict" -> STRICT;
            case "quorum" -> QUORUM;
            default -> throw new IllegalArgumentException("synchronous_mode must be off, on, strict or quorum (got '"
                    + value + "')");
        };
    }

    @JsonValue
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isSynchronous() {
        return this != OFF;
    }
}
