package io.regent.agent.api;

/**
 * A request the API refuses with 400 and {@link #getMessage()} as the body: a bad query parameter, a
 * malformed or oversized body. Handlers throw it (or pass it to {@code ctx.fail}); {@link Failures} answers.
 */
final class BadRequestException extends RuntimeException {

    BadRequestException(String message) {
        super(message, null, false, false);
    }
}
