package io.regent.agent.fence;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.config.HaConfig;
import io.regent.common.time.MonotonicClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fence's server and the agent's client over a real Unix-domain socket, guarding a stand-in
 * "postmaster" (a {@code sleep} process working in the data directory, named by {@code postmaster.pid}):
 * what it stops, when, and what survives an agent that goes away.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FenceProcessTest {

    private static final Duration MARGIN = Duration.ofMillis(200);

    @TempDir
    Path dir;
    private Path dataDir;
    private Path socket;
    private Process postmaster;
    private final List<String> fenceLog = new CopyOnWriteArrayList<>();
    private final AtomicInteger launches = new AtomicInteger();
    private CompletableFuture<Integer> fence;

    @BeforeEach
    void startPostmasterAndFence() throws Exception {
        dataDir = Files.createDirectory(dir.resolve("data"));
        socket = dir.resolve("data.fence.sock");
        postmaster = standIn(dataDir);
        Files.writeString(dataDir.resolve("postmaster.pid"), postmaster.pid() + "\n" + dataDir + "\n");
        fence = startFence();
        within(Duration.ofSeconds(10), this::answers);
    }

    /** The socket file appears at bind, a moment before the fence listens: wait until it accepts. */
    private boolean answers() {
        try (java.nio.channels.SocketChannel probe = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A process working in {@code directory}, as a postmaster works in its data directory. */
    private static Process standIn(Path directory) throws IOException {
        return new ProcessBuilder("sleep", "600").directory(directory.toFile()).start();
    }

    private CompletableFuture<Integer> startFence() {
        return CompletableFuture.supplyAsync(() -> FenceMain.run(socket, dataDir, fenceLog::add));
    }

    @AfterEach
    void stopEverything() throws Exception {
        fenceLog.forEach(System.out::println);
        postmaster.destroyForcibly();
        client().close();
        fence.get(10, TimeUnit.SECONDS);
    }

    private ProcessFence client() {
        return new ProcessFence(socket, MARGIN, launches::incrementAndGet, MonotonicClock.SYSTEM);
    }

    /** Polls {@code condition} every 20 ms until it holds; fails after {@code bound}. */
    private static void within(Duration bound, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not true within " + bound);
            }
            Thread.sleep(20);
        }
    }

    private static FenceOrder.Arm armFor(Duration writable) {
        return new FenceOrder.Arm(writable.plus(MARGIN));
    }

    @Test
    void stopsTheLocalPrimaryWhenTheDeadlinePassesUnfed() throws Exception {
        ProcessFence agent = client();
        agent.start();
        long armed = System.nanoTime();

        agent.apply(armFor(Duration.ofMillis(500)), HaConfig.DEFAULTS);

        within(Duration.ofSeconds(10), () -> !postmaster.isAlive());
        assertThat(Duration.ofNanos(System.nanoTime() - armed)).as("stopped after the deadline, not before")
                .isGreaterThanOrEqualTo(Duration.ofMillis(500));
        within(Duration.ofSeconds(5), () -> fenceLog.stream().anyMatch(line -> line.contains("fenced: postmaster "
                + postmaster.pid() + " and 0 of its processes killed (SIGKILL)")));
        assertThat(fenceLog).anyMatch(line -> line.contains("did not renew the fence in time"));
        assertThat(launches).as("the running fence was found, none started").hasValue(0);
    }

    @Test
    void keepsThePrimaryWhileTheAgentKeepsFeedingIt() throws Exception {
        ProcessFence agent = client();
        for (int i = 0; i < 15; i++) {
            agent.apply(armFor(Duration.ofMillis(400)), HaConfig.DEFAULTS);
            Thread.sleep(100);
        }

        assertThat(postmaster.isAlive()).as("fed every 100 ms with a 400 ms deadline").isTrue();
        within(Duration.ofSeconds(10), () -> !postmaster.isAlive());
    }

    @Test
    void aDisarmedFenceStopsNothing() throws InterruptedException {
        ProcessFence agent = client();
        agent.apply(armFor(Duration.ofMillis(300)), HaConfig.DEFAULTS);
        agent.apply(new FenceOrder.Disarm(), HaConfig.DEFAULTS);

        Thread.sleep(1_000);

        assertThat(postmaster.isAlive()).isTrue();
    }

    @Test
    void aStandbyIsNotStopped() throws Exception {
        Files.createFile(dataDir.resolve("standby.signal"));
        client().apply(armFor(Duration.ofMillis(200)), HaConfig.DEFAULTS);

        Thread.sleep(1_200);

        assertThat(postmaster.isAlive()).as("a server in recovery takes no writes").isTrue();
        assertThat(fenceLog).anyMatch(line -> line.contains("no primary PostgreSQL runs"));
    }

    @Test
    void aProcessReusingAStalePidIsNotMistakenForThePostmaster() throws Exception {
        Process stranger = standIn(dir);
        try {
            Files.writeString(dataDir.resolve("postmaster.pid"), stranger.pid() + "\n");
            client().apply(armFor(Duration.ofMillis(200)), HaConfig.DEFAULTS);

            Thread.sleep(1_200);

            assertThat(stranger.isAlive()).as("not working in the data directory: not this node's postmaster").isTrue();
        } finally {
            stranger.destroyForcibly();
        }
    }

    @Test
    void aDeadAgentsDeadlineStandsAndTheRestartedAgentTakesOverTheSameFence() throws Exception {
        ProcessFence dying = client();
        dying.apply(armFor(Duration.ofMillis(1_500)), HaConfig.DEFAULTS);
        // the agent dies: its connection goes, the fence stays (no EXIT, no DISARM)

        ProcessFence restarted = client();
        restarted.start();

        assertThat(launches).as("the restarted agent found the running fence").hasValue(0);
        assertThat(fenceLog).noneMatch(line -> line.contains("disarmed"));
        within(Duration.ofSeconds(10), () -> !postmaster.isAlive());
    }

    @Test
    void aPrimaryStartedAgainAfterTheFenceFiredIsStoppedAgainUntilTheAgentRenews() throws Exception {
        client().apply(armFor(Duration.ofMillis(100)), HaConfig.DEFAULTS);
        within(Duration.ofSeconds(10), () -> !postmaster.isAlive());

        Process second = standIn(dataDir);
        try {
            Files.writeString(dataDir.resolve("postmaster.pid"), second.pid() + "\n");

            within(Duration.ofSeconds(10), () -> !second.isAlive());
        } finally {
            second.destroyForcibly();
        }
    }

    @Test
    void aSecondFenceOnTheSameSocketLeavesTheFirstInCharge() {
        List<String> secondLog = new CopyOnWriteArrayList<>();

        assertThat(FenceMain.run(socket, dataDir, secondLog::add)).isZero();

        assertThat(secondLog).anyMatch(line -> line.contains("another fence already serves"));
        assertThat(fence).as("the first fence still runs").isNotDone();
    }

    @Test
    void aCleanStopEndsTheFenceAndRemovesItsSocket() throws Exception {
        client().close();

        assertThat(fence.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(socket).doesNotExist();
        assertThat(postmaster.isAlive()).isTrue();
        fence = startFence();
        within(Duration.ofSeconds(10), this::answers);
    }


    @Test
    void aStaleSocketFileLeftByADeadFenceIsReplaced() throws Exception {
        client().close();
        fence.get(10, TimeUnit.SECONDS);
        Files.createFile(socket);

        fence = startFence();

        within(Duration.ofSeconds(10), () -> fenceLog.stream().filter(l -> l.contains("guarding")).count() == 2);
        client().apply(armFor(Duration.ofMillis(100)), HaConfig.DEFAULTS);
        within(Duration.ofSeconds(10), () -> !postmaster.isAlive());
    }

    @Test
    void anAgentWithNoFenceRunningStartsOne() throws Exception {
        client().close();
        fence.get(10, TimeUnit.SECONDS);
        ProcessFence agent = new ProcessFence(socket, MARGIN, () -> {
            launches.incrementAndGet();
            fence = startFence();
        }, MonotonicClock.SYSTEM);

        agent.start();

        assertThat(launches).hasValue(1);
        assertThat(Files.exists(socket)).isTrue();
    }

    @Test
    void garbageFromAClientIsAnsweredWithAnErrorAndChangesNothing() throws Exception {
        FenceServer server = new FenceServer(dir.resolve("other.sock"), new LocalPrimary(dataDir), MonotonicClock.SYSTEM,
                fenceLog::add);

        assertThat(server.handle("ARM")).startsWith("ERR usage");
        assertThat(server.handle("ARM -5")).startsWith("ERR usage");
        assertThat(server.handle("ARM soon")).startsWith("ERR usage");
        assertThat(server.handle("SHUTDOWN")).startsWith("ERR unknown request");
        assertThat(server.handle("STATUS")).startsWith("OK disarmed 0 0 ");
    }
}
