package io.regent.agent.postgres;

/** A PostgreSQL operation failed; the message says which and carries the tool's output. */
public final class PostgresException extends RuntimeException {

    public PostgresException(String message) {
        super(message);
    }

    public PostgresException(String message, Throwable cause) {
        super(message, cause);
    }
}
