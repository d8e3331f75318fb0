package io.regent.agent.fence;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.config.HaConfig;
import io.regent.common.config.WatchdogConfig;
import io.regent.common.config.WatchdogMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog against a stand-in: a regular file for {@code /dev/watchdog} (this machine has no
 * watchdog driver) and a directory for {@code /sys/class/watchdog}. What is written, and when the
 * device is refused.
 */
class DeviceWatchdogTest {

    /** ttl 10, loop_wait 1: with safety_margin 5 the device's timeout must be in (1, 5]. */
    private static final HaConfig HA = new HaConfig(10, 1, 3, null, null, null, null, null, null, null);
    private static final FenceOrder ARM_FULL_LEASE = new FenceOrder.Arm(Duration.ofSeconds(10));

    @TempDir
    Path dir;
    private Path device;
    private Path sysfs;
    private long nanos;

    @BeforeEach
    void standIns() throws Exception {
        device = Files.createFile(dir.resolve("watchdog"));
        sysfs = Files.createDirectories(dir.resolve("sys"));
        timeout(4);
    }

    private void timeout(int seconds) throws Exception {
        Files.createDirectories(sysfs.resolve("watchdog0"));
        Files.writeString(sysfs.resolve("watchdog0/timeout"), seconds + "\n");
    }

    private DeviceWatchdog watchdog(WatchdogMode mode) {
        return new DeviceWatchdog(new WatchdogConfig(mode, device, 5), sysfs, () -> nanos);
    }

    private String written() throws Exception {
        return Files.readString(device);
    }

    @Test
    void opensWhenLeadingWritesAKeepaliveEachCycleAndClosesWithTheMagicV() throws Exception {
        DeviceWatchdog watchdog = watchdog(WatchdogMode.AUTOMATIC);

        watchdog.apply(ARM_FULL_LEASE, HA);
        watchdog.apply(ARM_FULL_LEASE, HA);
        watchdog.apply(new FenceOrder.Hold(), HA);
        assertThat(written()).as("one keepalive per armed cycle, none on hold").isEqualTo("11");

        watchdog.apply(new FenceOrder.Disarm(), HA);
        assertThat(written()).isEqualTo("11V");

        watchdog.apply(new FenceOrder.Disarm(), HA);
        watchdog.close();
        assertThat(written()).as("closed once").isEqualTo("11V");
    }

    @Test
    void countsDownToTheResetFromTheLastKeepaliveWhileOpen() throws Exception {
        DeviceWatchdog watchdog = watchdog(WatchdogMode.AUTOMATIC);
        assertThat(watchdog.resetsMachineIn()).as("before it is opened").isEmpty();

        watchdog.apply(ARM_FULL_LEASE, HA);
        nanos += Duration.ofMillis(2_500).toNanos();
        assertThat(watchdog.resetsMachineIn()).contains(Duration.ofMillis(1_500));

        watchdog.apply(new FenceOrder.Arm(Duration.ofMillis(9_500)), HA);
        assertThat(watchdog.resetsMachineIn()).as("a keepalive restarts the timeout (4 s)").contains(Duration.ofSeconds(4));

        nanos += Duration.ofSeconds(1).toNanos();
        watchdog.apply(new FenceOrder.Arm(Duration.ofMillis(7_000)), HA);
        assertThat(written()).as("the last keepalive would have outlived the lease").isEqualTo("11");
        assertThat(watchdog.resetsMachineIn()).contains(Duration.ofSeconds(3));

        nanos += Duration.ofSeconds(5).toNanos();
        assertThat(watchdog.resetsMachineIn()).contains(Duration.ZERO);
        watchdog.apply(new FenceOrder.Disarm(), HA);
        assertThat(watchdog.resetsMachineIn()).as("closed").isEmpty();
    }

    @Test
    void aDeviceWhoseTimeoutCannotBeReadMayResetAtAnyTime() throws Exception {
        Files.delete(sysfs.resolve("watchdog0/timeout"));
        DeviceWatchdog watchdog = watchdog(WatchdogMode.AUTOMATIC);

        watchdog.apply(ARM_FULL_LEASE, HA);

        assertThat(written()).isEqualTo("1");
        assertThat(watchdog.resetsMachineIn()).contains(Duration.ZERO);
    }

    @Test
    void aCleanStopWhileLeadingClosesWithTheMagicV() throws Exception {
        DeviceWatchdog watchdog = watchdog(WatchdogMode.REQUIRED);
        watchdog.apply(ARM_FULL_LEASE, HA);

        watchdog.close();

        assertThat(written()).isEqualTo("1V");
    }

    @Test
    void skipsAKeepaliveThatWouldLetTheDeviceOutliveTheLease() throws Exception {
        DeviceWatchdog watchdog = watchdog(WatchdogMode.AUTOMATIC);

        watchdog.apply(new FenceOrder.Arm(Duration.ofSeconds(8)), HA);

        assertThat(written()).as("4 s timeout, 8 s of lease left, 5 s margin: the device must fire first").isEmpty();
    }

    @Test
    void offNeverTouchesTheDevice() throws Exception {
        DeviceWatchdog watchdog = watchdog(WatchdogMode.OFF);

        watchdog.apply(ARM_FULL_LEASE, HA);
        watchdog.close();

        assertThat(written()).isEmpty();
        assertThat(watchdog.refusal(HA)).isEmpty();
    }

    @Test
    void requiredAndUsableRefusesNothing() {
        assertThat(watchdog(WatchdogMode.REQUIRED).refusal(HA)).isEmpty();
    }

    @Test
    void requiredRefusesLeadershipWithoutTheDevice() throws Exception {
        Files.delete(device);

        assertThat(watchdog(WatchdogMode.REQUIRED).refusal(HA)).hasValueSatisfying(reason ->
                assertThat(reason).isEqualTo("watchdog required, but there is no watchdog device " + device
                        + " (no softdog module loaded?)"));
        assertThat(watchdog(WatchdogMode.AUTOMATIC).refusal(HA)).as("automatic leads without it").isEmpty();
    }

    @Test
    void requiredRefusesATimeoutThatWouldFireAfterTheLeaseExpires() throws Exception {
        timeout(6);

        assertThat(watchdog(WatchdogMode.REQUIRED).refusal(HA)).hasValueSatisfying(reason ->
                assertThat(reason).contains("is 6 s, more than ttl - safety_margin = 5 s"));
    }

    @Test
    void automaticUsesATooLongTimeoutWithAWarningAsPatroniDoes() throws Exception {
        timeout(6);
        DeviceWatchdog watchdog = watchdog(WatchdogMode.AUTOMATIC);

        watchdog.apply(new FenceOrder.Arm(Duration.ofSeconds(12)), HA);

        assertThat(written()).isEqualTo("1");
    }

    @Test
    void aTimeoutNoLongerThanLoopWaitIsNeverUsedItWouldResetAHealthyLeader() throws Exception {
        timeout(1);
        DeviceWatchdog automatic = watchdog(WatchdogMode.AUTOMATIC);

        automatic.apply(ARM_FULL_LEASE, HA);

        assertThat(written()).isEmpty();
        assertThat(watchdog(WatchdogMode.REQUIRED).refusal(HA)).hasValueSatisfying(reason ->
                assertThat(reason).contains("not more than loop_wait"));
    }

    @Test
    void requiredRefusesADeviceWhoseTimeoutCannotBeRead() throws Exception {
        Files.delete(sysfs.resolve("watchdog0/timeout"));

        assertThat(watchdog(WatchdogMode.REQUIRED).refusal(HA)).hasValueSatisfying(reason ->
                assertThat(reason).contains("cannot be read from " + sysfs.resolve("watchdog0/timeout")));
    }

    @Test
    void aDirectoryIsNoDevice() throws Exception {
        Files.delete(device);
        Files.createDirectory(device);

        assertThat(watchdog(WatchdogMode.REQUIRED).refusal(HA)).hasValueSatisfying(reason ->
                assertThat(reason).contains("neither a character device nor a regular file"));
    }
}
