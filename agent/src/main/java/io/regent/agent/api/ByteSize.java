package io.regent.agent.api;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a WAL amount the way Patroni's {@code ?lag=} does: a plain number of bytes, or a number with
 * PostgreSQL's units {@code B, kB, MB, GB, TB} (powers of 1024; the unit's case is not significant).
 */
final class ByteSize {

    private static final Pattern SIZE = Pattern.compile("\\s*(\\d{1,19})\\s*([a-zA-Z]{0,2})\\s*");

    private ByteSize() {
    }

    static long parse(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw invalid(text);
        }
        long multiplier = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "kb" -> 1L << 10;
            case "mb" -> 1L << 20;
            case "gb" -> 1L << 30;
            case "tb" -> 1L << 40;
            default -> throw invalid(text);
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("too large: '" + text + "'");
        }
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("expected a number of bytes, optionally followed by kB, MB, GB or TB (got '"
                + text + "')");
    }
}
