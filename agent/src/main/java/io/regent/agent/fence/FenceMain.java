package io.regent.agent.fence;

import com.sun.security.auth.module.UnixSystem;
import io.regent.common.time.MonotonicClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * {@code java -cp regent-agent.jar io.regent.agent.fence.FenceMain --socket S --data-dir D --name N}:
 * the fence process of one node, started by its agent (detached, so it outlives the agent) and fed by
 * it while it leads. It loads nothing but the JDK (no logging library, no DI), so it runs in a 16 MB
 * heap. Exit codes: 0 after {@code EXIT}, or when another fence already serves the socket; 2 for a bad
 * command line; 1 when it cannot bind.
 */
public final class FenceMain {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private FenceMain() {
    }

    public static void main(String[] args) {
        Path socket = null;
        Path dataDir = null;
        String name = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--socket" -> socket = Path.of(args[i + 1]);
                case "--data-dir" -> dataDir = Path.of(args[i + 1]);
                case "--name" -> name = args[i + 1];
                default -> usage();
            }
        }
        if (socket == null || dataDir == null || name == null || args.length != 6) {
            usage();
        }
        if (new UnixSystem().getUid() == 0) {
            System.err.println("regent fence: refusing to run as root; it runs as the user of the agent and PostgreSQL");
            System.exit(1);
        }
        String prefix = " [" + name + "] Fence: ";
        Consumer<String> log = line -> System.err.println(LocalDateTime.now().format(TIME) + " " + line.substring(0, 5)
                + prefix + line.substring(6));
        System.exit(run(socket, dataDir, log));
    }

    static int run(Path socket, Path dataDir, Consumer<String> log) {
        FenceServer server = new FenceServer(socket, new LocalPrimary(dataDir), MonotonicClock.SYSTEM, log);
        try {
            if (!server.bind()) {
                log.accept("INFO  another fence already serves " + socket + "; leaving it in charge");
                return 0;
            }
        } catch (IOException e) {
            log.accept("ERROR cannot listen on " + socket + ": " + e.getMessage());
            return 1;
        }
        // SIGTERM (an operator, or the whole unit stopped): leave no socket file behind
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(socket), "regent-fence-shutdown"));
        log.accept("INFO  guarding " + dataDir + " on " + socket + " (pid " + ProcessHandle.current().pid() + ")");
        try {
            server.serve();
            return 0;
        } catch (IOException e) {
            log.accept("ERROR the fence failed: " + e.getMessage());
            return 1;
        } finally {
            server.close();
        }
    }

    private static void deleteQuietly(Path socket) {
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // nothing more to do on the way out
        }
    }

    private static void usage() {
        System.err.println("usage: FenceMain --socket PATH --data-dir DIR --name MEMBER");
        System.exit(2);
    }
}
