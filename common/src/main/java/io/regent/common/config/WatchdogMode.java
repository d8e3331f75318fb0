package io.regent.common.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Whether the agent uses a Linux watchdog device while it leads (Patroni's {@code watchdog.mode}).
 * Patroni's spellings are accepted, YAML booleans included ({@code off} unquoted is {@code false}).
 */
public enum WatchdogMode {
    /** Never open the device. */
    OFF,
    /** Use the device when it can be used; lead without it otherwise (with a warning). */
    AUTOMATIC,
    /** Never take the leader key without a usable device; give the key up if it stops working. */
    REQUIRED;

    @JsonCreator
    public static WatchdogMode parse(Object value) {
        if (value == null) {
            return AUTOMATIC;
        }
        if (Boolean.FALSE.equals(value)) {
            return OFF;
        }
        if (Boolean.TRUE.equals(value)) {
            return AUTOMATIC;
        }
        return switch (value.toString().trim().toLowerCase(Locale.ROOT)) {
            case "off", "false", "no" -> OFF;
            case "automatic", "auto", "on", "true", "yes" -> AUTOMATIC;
            case "required", "require" -> REQUIRED;
            default -> throw new IllegalArgumentException("must be off, automatic or required (got '" + value + "')");
        };
    }

    @JsonValue
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }
}
