package io.regent.tests.bench;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** What one run of a scenario measured: figures, and notes that explain them (or their absence). */
public final class RunFigures {

    private final Map<Figure, Double> values = new EnumMap<>(Figure.class);
    private final Map<String, String> notes = new LinkedHashMap<>();

    public RunFigures put(Figure figure, double value) {
        values.put(figure, value);
        return this;
    }

    public RunFigures put(Figure figure, Duration duration) {
        return put(figure, duration.toNanos() / 1_000_000.0);
    }

    /** Milliseconds between two {@link System#nanoTime()} readings. */
    public RunFigures putBetween(Figure figure, long fromNanos, long toNanos) {
        return put(figure, (toNanos - fromNanos) / 1_000_000.0);
    }

    public RunFigures note(String key, String text) {
        notes.put(key, text);
        return this;
    }

    public Map<Figure, Double> values() {
        return Collections.unmodifiableMap(values);
    }

    public Map<String, String> notes() {
        return Collections.unmodifiableMap(notes);
    }

    /** One line for the terminal: every figure measured, in catalogue order. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        values.forEach((figure, value) -> {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(figure.key()).append(' ').append(figure.unit().format(value));
        });
        return sb.toString();
    }
}
