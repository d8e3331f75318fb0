package io.regent.agent.fence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The fence's view of the local PostgreSQL, from files only (no connection, no library): the
 * postmaster named by {@code postmaster.pid} whose working directory is the data directory, and
 * whether it runs as a primary (neither {@code standby.signal} nor {@code recovery.signal} present:
 * a server in recovery takes no writes).
 */
final class LocalPrimary {

    private static final Duration EXIT_WAIT = Duration.ofSeconds(2);

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
     * Stops the primary at once: SIGKILL to the postmaster, then to every process it had forked and to
     * any other process of this user still working in the data directory (a backend forked meanwhile).
     * For the data this is what an immediate shutdown is (no shutdown checkpoint; crash recovery at the
     * next start). Not SIGQUIT, the signal of {@code pg_ctl stop -m immediate}: the JDK cannot send it
     * without starting a {@code kill} process, and on a loaded machine that first start in a fresh
     * interpreter-only JVM took 2.5 s, most of the safety margin. SIGKILL is one system call per process.
     *
     * @return a sentence saying how it went, for the log
     */
    String stopImmediately(ProcessHandle postmaster) {
        long started = System.nanoTime();
        List<ProcessHandle> forked = postmaster.descendants().toList();
        postmaster.destroyForcibly();
        forked.forEach(ProcessHandle::destroyForcibly);
        // a child forked between the listing and the postmaster's death is re-parented: find it by where it works
        List<ProcessHandle> stragglers = workingInDataDir();
        stragglers.forEach(ProcessHandle::destroyForcibly);
        String killed = "postmaster " + postmaster.pid() + " and " + (forked.size() + stragglers.size())
                + " of its processes killed (SIGKILL) in " + millisSince(started) + " ms";
        // polled, not onExit(): for a process that is not its child the JDK polls slowly, and the fence must
        // not stay deaf to the agent meanwhile
        long waitUntil = System.nanoTime() + EXIT_WAIT.toNanos();
        while (postmaster.isAlive() && System.nanoTime() - waitUntil < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return killed;
            }
        }
        return postmaster.isAlive() ? killed + ", but it is still there after " + EXIT_WAIT.toSeconds() + " s"
                : killed + "; gone " + millisSince(started) + " ms after";
    }

    private List<ProcessHandle> workingInDataDir() {
        String user = System.getProperty("user.name");
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().user().map(user::equals).orElse(false))
                .filter(ProcessHandle::isAlive)
                .filter(this::worksInDataDir)
                .toList();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000L;
    }
}
