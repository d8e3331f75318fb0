package io.regent.agent.fence;

import java.time.Duration;

/** What the HA loop tells its fences once per cycle. */
public sealed interface FenceOrder {

    /**
     * This member leads (or is about to): its lease is certainly valid for {@code leaseRemaining} more,
     * so its PostgreSQL may stay writable until then, minus each fence's safety margin.
     */
    record Arm(Duration leaseRemaining) implements FenceOrder {
    }

    /**
     * Change nothing: the deadline set earlier stands (the leader key sits on a lease whose remaining
     * time this agent cannot know, or a primary without the key is about to be stopped).
     */
    record Hold() implements FenceOrder {
    }

    /** This member neither leads nor runs a primary: nothing to guard. */
    record Disarm() implements FenceOrder {
    }
}
