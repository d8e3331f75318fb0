package io.regent.common.config;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * A password. Its {@code toString()} never shows the value, so a secret that reaches a log line, an
 * exception message or a REST body by accident prints as {@code ******}. Only {@link #reveal()} gives
 * the value, for the few places that must hand it to PostgreSQL.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    @JsonCreator
    public static Secret of(String value) {
        return new Secret(value == null ? "" : value);
    }

    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && secret.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "******";
    }
}
