package io.regent.agent.fence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The fence's view of the local PostgreSQL, from files only (no connection, no library): the
 * postmaster named by {@code postmaster.pid} whose working directory is the data directory, and
 * whether it runs as a primary (neither {@code standby.signal} nor {@code recovery.signal} present:
 * a server in recovery takes no writes).
 */
final class LocalPrimary {

    private static final Duration EXIT_WAIT = Duration.ofSeconds(10);

    private final Path dataDir;

    LocalPrimary(Path dataDir) {
        this.dataDir = dataDir;
    }

    Path dataDir() {
        return dataDir;
    }

    /** The running postmaster of the data directory when it is a primary. */
    Optional<ProcessHandle> runningPrimary() {
        if (Files.exists(dataDir.resolve("standby.signal")) || Files.exists(dataDir.resolve("recovery.signal"))) {
            return Optional.empty();
        }
        return postmaster();
    }

    Optional<ProcessHandle> postmaster() {
        long pid;
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            pid = Long.parseLong(lines.get(0).trim());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        // a stale pid file may name a pid reused by anything: the postmaster works in its data directory
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(this::worksInDataDir);
    }

    private boolean worksInDataDir(ProcessHandle process) {
        try {
            Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "cwd"));
            return cwd.equals(dataDir.toRealPath());
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * PostgreSQL's immediate shutdown (what {@code pg_ctl stop -m immediate} sends): SIGQUIT to the
     * postmaster, which SIGQUITs every backend at once, so no further commit is acknowledged. If the
     * postmaster has not exited after {@link #EXIT_WAIT}, it and its children are killed.
     *
     * @return a sentence saying how it went, for the log
     */
    String stopImmediately(ProcessHandle postmaster) {
        long started = System.nanoTime();
        List<ProcessHandle> children = postmaster.children().toList();
        try {
            Process kill = new ProcessBuilder(killCommand(), "-QUIT", Long.toString(postmaster.pid()))
                    .redirectErrorStream(true).start();
            kill.getInputStream().readAllBytes();
            kill.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            postmaster.onExit().get(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return "postmaster " + postmaster.pid() + " exited " + millisSince(started) + " ms after SIGQUIT";
        } catch (IOException | ExecutionException | TimeoutException e) {
            // no kill binary, or a postmaster that did not exit: SIGKILL, which the JDK sends itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        postmaster.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        return "postmaster " + postmaster.pid() + " did not exit after SIGQUIT; killed it and its " + children.size()
                + " processes (" + millisSince(started) + " ms)";
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000L;
    }

    private static String killCommand() {
        for (String candidate : List.of("/bin/kill", "/usr/bin/kill")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "kill";
    }
}
