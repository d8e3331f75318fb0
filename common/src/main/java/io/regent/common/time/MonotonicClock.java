package io.regent.common.time;

/**
 * Elapsed time that never jumps (backed by {@link System#nanoTime()}); all lease arithmetic uses it.
 * Wall-clock time is only for humans (timestamps in history, {@code scheduled_at}).
 */
@FunctionalInterface
public interface MonotonicClock {

    long nanos();

    MonotonicClock SYSTEM = System::nanoTime;
}
