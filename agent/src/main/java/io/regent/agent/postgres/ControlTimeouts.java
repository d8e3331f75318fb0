package io.regent.agent.postgres;

import java.time.Duration;

/** Bounds on every PostgreSQL operation; a step that exceeds its bound fails or escalates. */
public record ControlTimeouts(
        Duration start,
        Duration fastStop,
        Duration immediateStop,
        Duration killWait,
        Duration initdb,
        Duration basebackup,
        Duration promote,
        Duration rewind) {

    public static final ControlTimeouts DEFAULTS = new ControlTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(20),
            Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofHours(1),
            Duration.ofSeconds(60), Duration.ofMinutes(30));
}
