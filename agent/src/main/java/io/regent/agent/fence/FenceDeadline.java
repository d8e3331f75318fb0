package io.regent.agent.fence;

import java.time.Duration;

/**
 * The fence process's one piece of state, on its own monotonic clock: disarmed, armed until a
 * deadline, or expired (the deadline passed unfed). Once expired it stays so until the agent arms or
 * disarms it again, and every {@link #RECHECK} it is due again: a primary started after the fence
 * fired (by a job of the frozen agent that resumed, say) is stopped as well.
 */
final class FenceDeadline {

    static final Duration RECHECK = Duration.ofMillis(500);

    enum State { DISARMED, ARMED, EXPIRED }

    private State state = State.DISARMED;
    private long deadlineNanos;
    private long nextCheckNanos;

    void arm(long nowNanos, long millis) {
        state = State.ARMED;
        deadlineNanos = nowNanos + Math.max(0, millis) * 1_000_000L;
    }

    void disarm() {
        state = State.DISARMED;
    }

    State state() {
        return state;
    }

    long remainingMillis(long nowNanos) {
        return state == State.ARMED ? Math.max(0, (deadlineNanos - nowNanos) / 1_000_000L) : 0;
    }

    /** How long the fence may sleep before it must look again; -1 while disarmed (until told otherwise). */
    long nanosUntilDue(long nowNanos) {
        return switch (state) {
            case DISARMED -> -1;
            case ARMED -> Math.max(0, deadlineNanos - nowNanos);
            case EXPIRED -> Math.max(0, nextCheckNanos - nowNanos);
        };
    }

    /**
     * Whether the local primary must be stopped now (if there is one). An armed deadline that passed
     * turns into {@code EXPIRED}; how late past the deadline is {@link #lateMillis}.
     */
    boolean isDue(long nowNanos) {
        if (state == State.ARMED && nowNanos - deadlineNanos >= 0) {
            state = State.EXPIRED;
            nextCheckNanos = nowNanos + RECHECK.toNanos();
            return true;
        }
        if (state == State.EXPIRED && nowNanos - nextCheckNanos >= 0) {
            nextCheckNanos = nowNanos + RECHECK.toNanos();
            return true;
        }
        return false;
    }

    long lateMillis(long nowNanos) {
        return (nowNanos - deadlineNanos) / 1_000_000L;
    }
}
