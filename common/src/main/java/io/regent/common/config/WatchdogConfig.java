package io.regent.common.config;

import java.nio.file.Path;

/**
 * A Linux watchdog device the leader keeps alive (section {@code watchdog}, as Patroni's): opened when
 * this member starts leading, written once per HA cycle, closed with the magic {@code 'V'} when it stops.
 * If the agent stops writing, the kernel resets the machine when the device's timeout runs out.
 *
 * @param mode         off, automatic (default) or required
 * @param device       default {@value #DEFAULT_DEVICE}
 * @param safetyMargin seconds between the device firing and the leader lease expiring: the device's
 *                     timeout must be at most {@code ttl - safety_margin} (default {@value #DEFAULT_SAFETY_MARGIN})
 */
public record WatchdogConfig(WatchdogMode mode, Path device, Integer safetyMargin) {

    public static final String DEFAULT_DEVICE = "/dev/watchdog";
    public static final int DEFAULT_SAFETY_MARGIN = 5;
    public static final WatchdogConfig DEFAULTS = new WatchdogConfig(null, null, null);

    public WatchdogConfig {
        mode = mode == null ? WatchdogMode.AUTOMATIC : mode;
        device = device == null ? Path.of(DEFAULT_DEVICE) : device;
        safetyMargin = safetyMargin == null ? DEFAULT_SAFETY_MARGIN : safetyMargin;
    }
}
