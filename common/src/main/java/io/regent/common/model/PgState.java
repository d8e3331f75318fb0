package io.regent.common.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The lifecycle state of a member's PostgreSQL, with Patroni's wording. */
public enum PgState {
    RUNNING("running"),
    STARTING("starting"),
    STOPPED("stopped"),
    STOPPING("stopping"),
    CREATING_REPLICA("creating replica"),
    INITIALIZING("initializing new cluster"),
    START_FAILED("start failed"),
    UNKNOWN("unknown");

    private final String wire;

    PgState(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static PgState fromWire(String text) {
        for (PgState state : values()) {
            if (state.wire.equals(text)) {
                return state;
            }
        }
        return UNKNOWN;
    }
}
