package io.regent.common.model;

/**
 * A PostgreSQL write-ahead-log position. Printed the way PostgreSQL prints it ({@code 0/3000060}),
 * stored in etcd as the plain byte number (Patroni's {@code xlog_location}).
 */
public record Lsn(long value) implements Comparable<Lsn> {

    public static final Lsn ZERO = new Lsn(0);

    public Lsn {
        if (value < 0) {
            throw new IllegalArgumentException("LSN cannot be negative: " + value);
        }
    }

    private static final java.util.regex.Pattern TEXT = java.util.regex.Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

    /** Parses PostgreSQL's {@code X/Y} text form (each half up to 8 hexadecimal digits). */
    public static Lsn parse(String text) {
        if (text == null || !TEXT.matcher(text).matches()) {
            throw new IllegalArgumentException("not an LSN (expected X/Y in hex): " + text);
        }
        int slash = text.indexOf('/');
        try {
            long high = Long.parseLong(text.substring(0, slash), 16);
            long low = Long.parseLong(text.substring(slash + 1), 16);
            return new Lsn((high << 32) | low);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an LSN (expected X/Y in hex): " + text, e);
        }
    }

    public long bytesAhead(Lsn other) {
        return value - other.value;
    }

    public boolean isAfter(Lsn other) {
        return value > other.value;
    }

    public static Lsn max(Lsn a, Lsn b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compare(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}
