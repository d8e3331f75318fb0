package io.regent.controller.cli;

/**
 * A failure the user can act on, reported as one line on stderr with no stack trace, and the exit code
 * that goes with it ({@link RegentCtl#EXIT_UNAVAILABLE} or {@link RegentCtl#EXIT_USAGE}).
 */
final class CliFailure extends RuntimeException {

    private final int exitCode;

    CliFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
