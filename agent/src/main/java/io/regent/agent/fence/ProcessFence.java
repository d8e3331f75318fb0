package io.regent.agent.fence;

import io.regent.common.config.HaConfig;
import io.regent.common.time.MonotonicClock;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of the fence process: finds the running fence on its socket (a restarted agent
 * inherits the fence, and with it the dead agent's last deadline) or starts one, and feeds it once per
 * cycle: {@code ARM} with the lease's remaining time minus the safety margin, so the fence computes its
 * deadline on its own monotonic clock and no two clocks need to agree. Every exchange is bounded: a
 * frozen fence costs the loop at most {@link #ANSWER_TIMEOUT} per cycle, and is reported.
 */
public final class ProcessFence implements LeaderFence {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessFence.class);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(1);
    /** How long the agent's start waits for a fence it launched; a cycle never waits (the next one connects). */
    private static final Duration LAUNCH_WAIT = Duration.ofSeconds(10);
    private static final Duration RELAUNCH_PAUSE = Duration.ofSeconds(30);

    private final Path socket;
    private final Duration safetyMargin;
    private final Runnable launcher;
    private final MonotonicClock clock;
    private SocketChannel channel;
    private Selector selector;
    private int lastFired = -1;
    private long lastLaunchNanos;
    private boolean launchedOnce;
    private String lastProblem = "";
    private int warnedTtl = -1;
    private boolean closing;

    ProcessFence(Path socket, Duration safetyMargin, Runnable launcher, MonotonicClock clock) {
        this.socket = socket;
        this.safetyMargin = safetyMargin;
        this.launcher = launcher;
        this.clock = clock;
    }

    /** The fence of {@code member}'s data directory, on {@code socket}, started when none runs. */
    public static ProcessFence of(String member, Path socket, Path dataDir, Duration safetyMargin) {
        return new ProcessFence(socket, safetyMargin, new FenceLauncher(member, socket, dataDir), MonotonicClock.SYSTEM);
    }

    /** Connects to the fence, starting it if none runs; tells what state it was found in. */
    @Override
    public void start() {
        if (!connect()) {
            connectOrLaunch(LAUNCH_WAIT);
        }
        exchange(FenceProtocol.STATUS).ifPresent(reply -> LOG.info("fence process {} on {}: {}{}", reply.pid(), socket,
                reply.state().name().toLowerCase(java.util.Locale.ROOT),
                reply.state() == FenceDeadline.State.ARMED ? " (a previous agent's deadline, " + reply.remainingMillis()
                        + " ms left, stands until this agent leads)" : ""));
    }

    @Override
    public Optional<String> refusal(HaConfig config) {
        return Optional.empty();
    }

    @Override
    public void apply(FenceOrder order, HaConfig config) {
        String request;
        if (order instanceof FenceOrder.Arm arm) {
            warnIfMarginEatsTheTtl(config);
            request = FenceProtocol.ARM + " " + Math.max(0, arm.leaseRemaining().minus(safetyMargin).toMillis());
        } else if (order instanceof FenceOrder.Disarm) {
            request = FenceProtocol.DISARM;
        } else {
            request = FenceProtocol.STATUS;
        }
        exchange(request);
    }

    /** The cluster's ttl can change at run time; a margin that no longer fits makes the fence stop a healthy leader. */
    private void warnIfMarginEatsTheTtl(HaConfig config) {
        if (config.ttl() != warnedTtl && config.ttl() - safetyMargin.toSeconds() <= config.loopWait()) {
            LOG.error("fence.safety_margin {} s leaves less than loop_wait ({} s) of the ttl ({} s): the fence will stop"
                    + " this leader's PostgreSQL between two renewals; lower the margin or raise the ttl",
                    safetyMargin.toSeconds(), config.loopWait(), config.ttl());
        }
        warnedTtl = config.ttl();
    }

    @Override
    public void close() {
        closing = true;
        if (channel == null && !connect()) {
            return;
        }
        exchange(FenceProtocol.EXIT).ifPresent(reply -> LOG.info("fence process {} stopped", reply.pid()));
        closeChannel();
    }

    /** Sends one request, on a fresh connection if the kept one broke; the answer, or empty after a logged failure. */
    private Optional<FenceProtocol.Reply> exchange(String request) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            if (channel == null && !connectOrLaunch(Duration.ZERO)) {
                problem("no fence process answers on " + socket);
                return Optional.empty();
            }
            try {
                String answer = ask(request);
                Optional<FenceProtocol.Reply> reply = FenceProtocol.Reply.parse(answer);
                if (reply.isEmpty()) {
                    problem("the fence answered '" + answer + "' to " + request);
                    return Optional.empty();
                }
                noteFired(reply.get());
                lastProblem = "";
                return reply;
            } catch (AnswerTimeout e) {
                problem("the fence on " + socket + " did not answer within " + ANSWER_TIMEOUT.toMillis() + " ms (stopped?)");
                closeChannel();
                return Optional.empty();
            } catch (IOException e) {
                closeChannel();
            }
        }
        problem("lost the connection to the fence on " + socket);
        return Optional.empty();
    }

    private void noteFired(FenceProtocol.Reply reply) {
        if (reply.fired() > Math.max(0, lastFired)) {
            LOG.warn("the fence process stopped this node's PostgreSQL because the agent had not renewed it in time ({}"
                    + " time(s) since the fence started)", reply.fired());
        }
        lastFired = reply.fired();
    }

    private boolean connectOrLaunch(Duration wait) {
        if (connect()) {
            return true;
        }
        long now = clock.nanos();
        if (closing || launchedOnce && now - lastLaunchNanos < RELAUNCH_PAUSE.toNanos()) {
            return false;
        }
        launchedOnce = true;
        lastLaunchNanos = now;
        LOG.info("no fence process answers on {}; starting one", socket);
        try {
            launcher.run();
        } catch (RuntimeException e) {
            problem(e.getMessage());
            return false;
        }
        long deadline = clock.nanos() + wait.toNanos();
        while (!wait.isZero() && clock.nanos() - deadline < 0) {
            if (connect()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        if (!wait.isZero()) {
            problem("the fence process did not come up on " + socket + " within " + wait.toSeconds() + " s");
        }
        return connect();
    }

    private boolean connect() {
        try {
            SocketChannel opened = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                opened.connect(UnixDomainSocketAddress.of(socket));
                opened.configureBlocking(false);
                selector = Selector.open();
                opened.register(selector, SelectionKey.OP_READ);
            } catch (IOException e) {
                opened.close();
                throw e;
            }
            channel = opened;
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String ask(String request) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                throw new AnswerTimeout();
            }
        }
        ByteBuffer in = ByteBuffer.allocate(FenceProtocol.MAX_LINE);
        long deadline = clock.nanos() + ANSWER_TIMEOUT.toNanos();
        while (true) {
            long left = deadline - clock.nanos();
            if (left <= 0) {
                throw new AnswerTimeout();
            }
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
            if (channel.read(in) < 0) {
                throw new IOException("the fence closed the connection");
            }
            for (int i = 0; i < in.position(); i++) {
                if (in.get(i) == '\n') {
                    return new String(in.array(), 0, i, StandardCharsets.UTF_8);
                }
            }
            if (!in.hasRemaining()) {
                throw new IOException("answer too long");
            }
        }
    }

    private void problem(String problem) {
        if (!problem.equals(lastProblem)) {
            LOG.error("{}: this node's primary is not fenced against a hung agent", problem);
            lastProblem = problem;
        }
    }

    private void closeChannel() {
        try {
            if (channel != null) {
                channel.close();
            }
            if (selector != null) {
                selector.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        channel = null;
        selector = null;
    }

    @Override
    public String toString() {
        return "process on " + socket;
    }

    /** No answer within {@link #ANSWER_TIMEOUT}. */
    private static final class AnswerTimeout extends IOException {
        AnswerTimeout() {
            super("no answer in time");
        }
    }
}
