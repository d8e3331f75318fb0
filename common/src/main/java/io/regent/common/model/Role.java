package io.regent.common.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a member's PostgreSQL is in the cluster, as published in its member key. */
public enum Role {
    PRIMARY("primary"),
    REPLICA("replica"),
    UNINITIALIZED("uninitialized");

    private final String wire;

    Role(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** Accepts Patroni's older spellings too, so keys written by other tools still parse. */
    @JsonCreator
    public static Role fromWire(String text) {
        return switch (text) {
            case "primary", "master", "leader", "standby_leader" -> PRIMARY;
            case "replica", "standby", "sync_standby" -> REPLICA;
            case "uninitialized" -> UNINITIALIZED;
            default -> throw new IllegalArgumentException("unknown role: " + text);
        };
    }
}
