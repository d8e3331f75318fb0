package io.regent.agent.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs external commands (initdb, pg_ctl, pg_basebackup…) with a hard time bound. */
public final class ProcessRunner {

    /** What a finished command left behind; {@code output} is stdout and stderr interleaved. */
    public record Result(int exitCode, String output) {

        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /**
     * Runs {@code command} and waits at most {@code timeout}; a command still running then is killed
     * (with its children) and reported as a {@link CommandTimeoutException}.
     */
    public Result run(List<String> command, Duration timeout, Map<String, String> environment) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new CommandTimeoutException(command.get(0) + " did not finish within " + timeout.toSeconds() + " s");
            }
            return new Result(process.exitValue(), output.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new CommandTimeoutException(command.get(0) + " interrupted");
        } catch (ExecutionException | TimeoutException e) {
            return new Result(process.exitValue(), "(output unavailable: " + e + ")");
        }
    }

    private static String readAll(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }

    /** A command that had to be killed because it outlived its bound. */
    public static final class CommandTimeoutException extends RuntimeException {

        public CommandTimeoutException(String message) {
            super(message);
        }
    }
}
