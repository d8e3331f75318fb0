package io.regent.common.model;

/**
 * Per-member tags that steer elections: {@code priority} (higher wins ties), {@code location}
 * (same location as the old leader preferred), {@code nofailover} (never promoted), {@code nosync} (never
 * made a synchronous standby).
 */
public record Tags(Integer priority, String location, Boolean nofailover, Boolean nosync) {

    public static final int DEFAULT_PRIORITY = 100;
    public static final String DEFAULT_LOCATION = "default";
    public static final Tags DEFAULTS = new Tags(DEFAULT_PRIORITY, DEFAULT_LOCATION, false, false);

    public Tags {
        priority = priority == null ? DEFAULT_PRIORITY : priority;
        location = location == null || location.isBlank() ? DEFAULT_LOCATION : location;
        nofailover = nofailover != null && nofailover;
        nosync = nosync != null && nosync;
    }
}
