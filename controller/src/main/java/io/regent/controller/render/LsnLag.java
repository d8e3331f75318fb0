package io.regent.controller.render;

import io.regent.common.model.Lsn;
import java.util.Locale;
import java.util.Optional;

/**
 * How far a member is behind the leader, in bytes of WAL: the leader's published {@code xlog_location}
 * minus the member's. Three cases an operator must tell apart: the leader itself (no lag to speak of),
 * a known lag, and a lag that cannot be computed (no leader, or a position not published).
 */
public record LsnLag(Kind kind, long bytes) {

    public enum Kind { LEADER, KNOWN, UNKNOWN }

    public static final LsnLag LEADER = new LsnLag(Kind.LEADER, 0);
    public static final LsnLag UNKNOWN = new LsnLag(Kind.UNKNOWN, 0);

    public LsnLag {
        if (bytes < 0) {
            throw new IllegalArgumentException("lag cannot be negative: " + bytes);
        }
    }

    public static LsnLag bytes(long bytes) {
        return new LsnLag(Kind.KNOWN, bytes);
    }

    /**
     * The member's lag behind the leader's position. A member may look ahead of the leader because each
     * publishes on its own schedule: that counts as no lag, not as a negative one.
     */
    public static LsnLag between(Optional<Lsn> leader, Optional<Lsn> member) {
        if (leader.isEmpty() || member.isEmpty()) {
            return UNKNOWN;
        }
        return bytes(Math.max(0, leader.get().bytesAhead(member.get())));
    }

    /** The lag in bytes, or empty for the leader and for an unknown lag. */
    public Optional<Long> knownBytes() {
        return kind == Kind.KNOWN ? Optional.of(bytes) : Optional.empty();
    }

    /** {@code ""} for the leader, {@code unknown}, or a size such as {@code 0 bytes}, {@code 1.5 kB}, {@code 48 MB}. */
    public String text() {
        return switch (kind) {
            case LEADER -> "";
            case UNKNOWN -> "unknown";
            case KNOWN -> humanBytes(bytes);
        };
    }

    /** Binary units (1 kB = 1024 bytes, as PostgreSQL's {@code pg_size_pretty} counts them). */
    static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        do {
            value /= 1024;
            unit++;
        } while (value >= 1024 && unit < units.length - 1);
        String number = value < 10 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.0f", value);
        return number + " " + units[unit];
    }
}
