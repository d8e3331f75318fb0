package io.regent.common.config;

/** A configuration that cannot be used, naming the field path and what is wrong with it. */
public final class ConfigException extends RuntimeException {

    private final String field;

    public ConfigException(String field, String reason) {
        super(field.isEmpty() ? reason : field + ": " + reason);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
