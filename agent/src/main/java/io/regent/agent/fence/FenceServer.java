package io.regent.agent.fence;

import io.regent.common.time.MonotonicClock;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.Optional;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The fence process's loop: one thread, one selector. It serves the agent's requests on the socket and
 * wakes at the deadline; a deadline that passes unfed while the local PostgreSQL runs as a primary
 * stops it at once ({@link LocalPrimary#stopImmediately}). Nothing here waits on a client: a client that connects and
 * says nothing, or stops reading, cannot delay the deadline.
 */
final class FenceServer implements AutoCloseable {

    private final Path socket;
    private final LocalPrimary primary;
    private final MonotonicClock clock;
    private final Consumer<String> log;
    private final FenceDeadline deadline = new FenceDeadline();
    private final String ownUser = System.getProperty("user.name");
    private Selector selector;
    private ServerSocketChannel server;
    private int fired;
    private volatile boolean running = true;

    FenceServer(Path socket, LocalPrimary primary, MonotonicClock clock, Consumer<String> log) {
        this.socket = socket;
        this.primary = primary;
        this.clock = clock;
        this.log = log;
    }

    /**
     * Binds the socket. Returns false, binding nothing, when another fence already answers on it (a
     * second start must not replace the fence that holds a dead agent's deadline); a socket file nobody
     * answers on is left over from a fence that died, and is replaced.
     */
    boolean bind() throws IOException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
        if (Files.exists(socket)) {
            try (SocketChannel probe = SocketChannel.open(address)) {
                return false;
            } catch (IOException stale) {
                Files.deleteIfExists(socket);
            }
        }
        selector = Selector.open();
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(address);
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        return true;
    }

    /** Serves until {@code EXIT} or {@link #close()}. */
    void serve() throws IOException {
        while (running) {
            long due = deadline.nanosUntilDue(clock.nanos());
            if (due < 0) {
                selector.select();
            } else if (due > 0) {
                selector.select(Math.max(1, (due + 999_999) / 1_000_000));
            } else {
                selector.selectNow();
            }
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                if (!key.isValid()) {
                    continue;
                }
                if (key.isAcceptable()) {
                    accept();
                } else if (key.isReadable()) {
                    read(key);
                }
            }
            enforce();
        }
    }

    private void enforce() {
        long now = clock.nanos();
        boolean justExpired = deadline.state() == FenceDeadline.State.ARMED;
        if (!deadline.isDue(now)) {
            return;
        }
        Optional<ProcessHandle> postmaster = primary.runningPrimary();
        if (justExpired) {
            log.accept("WARN  the agent did not renew the fence in time (deadline passed " + deadline.lateMillis(now)
                    + " ms ago): " + (postmaster.isPresent() ? "stopping the primary PostgreSQL at once"
                    : "no primary PostgreSQL runs in " + primary.dataDir()));
        } else if (postmaster.isPresent()) {
            log.accept("WARN  a primary PostgreSQL runs again although the fence expired and the agent has not renewed"
                    + " it: stopping it at once");
        }
        if (postmaster.isPresent()) {
            fired++;
            log.accept("WARN  fenced: " + primary.stopImmediately(postmaster.get()));
        }
    }

    private void accept() throws IOException {
        SocketChannel client = server.accept();
        if (client == null) {
            return;
        }
        client.configureBlocking(false);
        if (!sameUser(client)) {
            respond(client, "ERR only the fence's own user may talk to it");
            client.close();
            return;
        }
        client.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(FenceProtocol.MAX_LINE));
    }

    private boolean sameUser(SocketChannel client) {
        try {
            UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return peer.user().getName().equals(ownUser);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private void read(SelectionKey key) {
        SocketChannel client = (SocketChannel) key.channel();
        ByteBuffer buffer = (ByteBuffer) key.attachment();
        try {
            int read = client.read(buffer);
            if (read < 0) {
                if (deadline.state() == FenceDeadline.State.ARMED) {
                    log.accept("INFO  the agent closed its connection while the fence is armed; the deadline in "
                            + deadline.remainingMillis(clock.nanos()) + " ms stands");
                }
                client.close();
                return;
            }
            for (int newline = indexOfNewline(buffer); newline >= 0; newline = indexOfNewline(buffer)) {
                byte[] line = new byte[newline];
                buffer.flip();
                buffer.get(line);
                buffer.get();
                buffer.compact();
                respond(client, handle(new String(line, StandardCharsets.UTF_8).trim()));
            }
            if (!buffer.hasRemaining()) {
                respond(client, "ERR line too long");
                client.close();
            }
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private static int indexOfNewline(ByteBuffer buffer) {
        for (int i = 0; i < buffer.position(); i++) {
            if (buffer.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    String handle(String line) {
        long now = clock.nanos();
        String[] words = line.split(" ");
        switch (words[0]) {
            case FenceProtocol.ARM -> {
                long millis;
                try {
                    millis = words.length == 2 ? Long.parseLong(words[1]) : -1;
                } catch (NumberFormatException e) {
                    millis = -1;
                }
                if (millis < 0) {
                    return "ERR usage: ARM <milliseconds>";
                }
                if (deadline.state() != FenceDeadline.State.ARMED) {
                    log.accept("INFO  armed: the primary is stopped unless the agent renews within " + millis + " ms");
                }
                deadline.arm(now, millis);
            }
            case FenceProtocol.DISARM -> {
                if (deadline.state() != FenceDeadline.State.DISARMED) {
                    log.accept("INFO  disarmed: this member does not lead");
                }
                deadline.disarm();
            }
            case FenceProtocol.STATUS -> {
                // only the answer
            }
            case FenceProtocol.EXIT -> {
                log.accept("INFO  the agent stops: exiting");
                deadline.disarm();
                running = false;
            }
            default -> {
                return "ERR unknown request (expected ARM <ms>, DISARM, STATUS or EXIT)";
            }
        }
        return FenceProtocol.Reply.format(deadline.state(), deadline.remainingMillis(now), fired, ProcessHandle.current().pid());
    }

    private static void respond(SocketChannel client, String line) {
        try {
            // a few bytes into an empty socket buffer: written at once, or the client is broken
            client.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private static void closeQuietly(SocketChannel client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            if (selector != null) {
                selector.wakeup();
                selector.close();
            }
            if (server != null) {
                server.close();
                Files.deleteIfExists(socket);
            }
        } catch (IOException e) {
            log.accept("WARN  closing the fence socket: " + e.getMessage());
        }
    }
}
