package io.regent.agent.fence;

import io.regent.common.config.HaConfig;
import io.regent.common.config.WatchdogConfig;
import io.regent.common.config.WatchdogMode;
import io.regent.common.time.MonotonicClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linux watchdog device kept alive while this member leads (Patroni's {@code watchdog}): opened when it
 * starts leading (opening starts the kernel's timer), one write per cycle, closed with the magic
 * {@code 'V'} (which stops the timer) when it stops leading or the agent stops cleanly. A hung or dead
 * agent stops writing, and the kernel resets the machine when the device's timeout runs out.
 *
 * <p>The timeout cannot be set from Java (it is an ioctl), so it is read from
 * {@code /sys/class/watchdog/<device>/timeout} and checked: it must end before the lease can
 * ({@code timeout <= ttl - safety_margin}) and outlast a cycle ({@code timeout > loop_wait}). A keepalive
 * that would let the device outlive the lease (a lease with less than {@code timeout + safety_margin}
 * left) is not written. A regular file may stand in for the device (tests); it resets nothing.
 */
public final class DeviceWatchdog implements LeaderFence {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceWatchdog.class);
    private static final byte[] KEEPALIVE = {'1'};
    private static final byte[] MAGIC_CLOSE = {'V'};
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFREG = 0100000;

    private final WatchdogConfig config;
    private final Path sysfsClass;
    private final MonotonicClock clock;
    private FileChannel open;
    /** When the device's timer last started: opened, or kept alive. */
    private long timerStartedNanos;
    private String writeFailure;
    private String lastLogged = "";

    /** @param sysfsClass where the kernel lists watchdog devices, {@code /sys/class/watchdog} */
    public DeviceWatchdog(WatchdogConfig config, Path sysfsClass, MonotonicClock clock) {
        this.config = config;
        this.sysfsClass = sysfsClass;
        this.clock = clock;
    }

    public static DeviceWatchdog of(WatchdogConfig config) {
        return new DeviceWatchdog(config, Path.of("/sys/class/watchdog"), MonotonicClock.SYSTEM);
    }

    @Override
    public Optional<String> refusal(HaConfig ha) {
        if (config.mode() != WatchdogMode.REQUIRED) {
            return Optional.empty();
        }
        if (writeFailure != null) {
            return Optional.of("watchdog required, but " + writeFailure);
        }
        return problem(ha, true).map(problem -> "watchdog required, but " + problem);
    }

    @Override
    public void apply(FenceOrder order, HaConfig ha) {
        if (order instanceof FenceOrder.Arm arm) {
            if (open == null && !open(ha)) {
                return;
            }
            OptionalInt timeout = timeoutSeconds();
            long leaseLeft = arm.leaseRemaining().toSeconds();
            if (timeout.isPresent() && timeout.getAsInt() > leaseLeft - config.safetyMargin()) {
                log("not keeping the watchdog alive: its timeout (" + timeout.getAsInt() + " s) would outlast the lease ("
                        + leaseLeft + " s left, safety_margin " + config.safetyMargin() + " s)");
                return;
            }
            if (write(KEEPALIVE)) {
                timerStartedNanos = clock.nanos();
            }
        } else if (order instanceof FenceOrder.Disarm) {
            closeDevice();
        }
    }

    /** Open: its timeout from the last keepalive; a device whose timeout cannot be read may fire at any time. */
    @Override
    public Optional<Duration> resetsMachineIn() {
        if (open == null) {
            return Optional.empty();
        }
        OptionalInt timeout = timeoutSeconds();
        if (timeout.isEmpty()) {
            return Optional.of(Duration.ZERO);
        }
        long left = timerStartedNanos + TimeUnit.SECONDS.toNanos(timeout.getAsInt()) - clock.nanos();
        return Optional.of(Duration.ofNanos(Math.max(0, left)));
    }

    @Override
    public void close() {
        closeDevice();
    }

    private boolean open(HaConfig ha) {
        if (config.mode() == WatchdogMode.OFF) {
            return false;
        }
        Optional<String> problem = problem(ha, config.mode() == WatchdogMode.REQUIRED);
        if (problem.isPresent()) {
            log("leading without the watchdog: " + problem.get());
            return false;
        }
        try {
            open = FileChannel.open(config.device(), StandardOpenOption.WRITE);
            timerStartedNanos = clock.nanos();
            writeFailure = null;
            LOG.info("watchdog {} opened{}", config.device(), timeoutSeconds().isPresent()
                    ? " (timeout " + timeoutSeconds().getAsInt() + " s)" : "");
            return true;
        } catch (IOException e) {
            writeFailure = "cannot open " + config.device() + ": " + e.getMessage();
            log("leading without the watchdog: " + writeFailure);
            return false;
        }
    }

    private boolean write(byte[] bytes) {
        try {
            open.write(ByteBuffer.wrap(bytes));
            return true;
        } catch (IOException e) {
            writeFailure = "cannot write to " + config.device() + ": " + e.getMessage();
            LOG.error("{}", writeFailure);
            return false;
        }
    }

    private void closeDevice() {
        if (open == null) {
            return;
        }
        write(MAGIC_CLOSE);
        try {
            open.close();
        } catch (IOException e) {
            LOG.warn("closing {}: {}", config.device(), e.getMessage());
        }
        open = null;
        LOG.info("watchdog {} closed (magic close)", config.device());
    }

    /**
     * Why the device cannot be used; an unknown timeout counts only when {@code strict} (required mode):
     * automatic mode uses such a device with a warning, as Patroni does.
     */
    private Optional<String> problem(HaConfig ha, boolean strict) {
        Path device = config.device();
        if (!Files.exists(device)) {
            return Optional.of("there is no watchdog device " + device + " (no softdog module loaded?)");
        }
        int type = fileType(device);
        if (type != S_IFCHR && type != S_IFREG) {
            return Optional.of(device + " is neither a character device nor a regular file");
        }
        if (!Files.isWritable(device)) {
            return Optional.of(device + " is not writable by this user");
        }
        OptionalInt timeout = timeoutSeconds();
        int longest = ha.ttl() - config.safetyMargin();
        if (timeout.isEmpty()) {
            if (strict) {
                return Optional.of("the timeout of " + device + " cannot be read from " + sysfsTimeout()
                        + ", so it cannot be shown to fire before the lease (ttl - safety_margin = " + longest + " s) expires");
            }
            log("the timeout of " + device + " is unknown (no " + sysfsTimeout() + "); it may fire after the lease expires");
            return Optional.empty();
        }
        if (timeout.getAsInt() > longest) {
            String problem = "the timeout of " + device + " is " + timeout.getAsInt() + " s, more than ttl - safety_margin = "
                    + longest + " s: it would fire after the lease expires (set it with wdctl -s or softdog's soft_margin)";
            if (strict) {
                return Optional.of(problem);
            }
            log(problem);
        }
        if (timeout.getAsInt() <= ha.loopWait()) {
            return Optional.of("the timeout of " + device + " is " + timeout.getAsInt() + " s, not more than loop_wait ("
                    + ha.loopWait() + " s): it would reset a healthy leader");
        }
        return Optional.empty();
    }

    private static int fileType(Path path) {
        try {
            return ((Integer) Files.getAttribute(path, "unix:mode")) & S_IFMT;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 0;
        }
    }

    /** {@code /dev/watchdog} is the first device's legacy name: its sysfs entry is {@code watchdog0}. */
    private Path sysfsTimeout() {
        String name = config.device().getFileName().toString();
        return sysfsClass.resolve("watchdog".equals(name) ? "watchdog0" : name).resolve("timeout");
    }

    private OptionalInt timeoutSeconds() {
        Path file = sysfsTimeout();
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isReadable(file)) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(Files.readString(file).trim()));
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private void log(String message) {
        if (!message.equals(lastLogged)) {
            LOG.warn("{}", message);
            lastLogged = message;
        }
    }

    @Override
    public String toString() {
        return "watchdog " + config.device();
    }
}
