package io.regent.agent.wiring;

import com.sun.security.auth.module.UnixSystem;
import io.micronaut.context.ApplicationContext;
import io.regent.common.config.ConfigException;
import io.regent.common.config.ConfigLoader;
import io.regent.common.config.NodeConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * {@code regent CONFIG.yml}: runs one node's agent in the foreground until SIGTERM/SIGINT.
 * Exit codes: 2 for a bad command line or configuration, 1 for anything else that stops the start.
 */
public final class AgentMain {

    /** What the shutdown hook exits with: 0 for an orderly stop, 1 once the start failed. */
    private static volatile int exitStatus;

    private AgentMain() {
    }

    public static void main(String[] args) {
        io.regent.common.store.etcd.EtcdStores.preferSystemResolver();
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: regent CONFIG.yml");
            System.exit(2);
        }
        if (new UnixSystem().getUid() == 0) {
            System.err.println("regent: refusing to run as root (PostgreSQL refuses it too); run as an unprivileged user,"
                    + " e.g. bin/regent does that for you");
            System.exit(1);
        }
        NodeConfig config;
        try {
            config = new ConfigLoader(System.getenv()).load(Path.of(args[0]));
        } catch (ConfigException e) {
            System.err.println("regent: invalid configuration " + args[0] + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        // read by logback.xml: every line says which member wrote it
        System.setProperty("regent.member", config.name());
        run(config);
    }

    private static void run(NodeConfig config) {
        ApplicationContext context = ApplicationContext.builder().singletons(config).banner(false).start();
        Agent agent = context.getBean(Agent.class);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            context.close();
            stopped.countDown();
            // an orderly stop is a success (the JVM would report 143 for SIGTERM); logging is synchronous,
            // so nothing is lost by not waiting for other hooks. System.exit(1) runs this hook too, and
            // halting with 0 then turned a refused start into a success
            Runtime.getRuntime().halt(exitStatus);
        }, "regent-shutdown"));
        try {
            agent.start();
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(AgentMain.class).error("cannot start: {}", e.getMessage());
            exitStatus = 1;
            System.exit(1);
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
