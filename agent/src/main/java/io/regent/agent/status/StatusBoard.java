package io.regent.agent.status;

import java.util.concurrent.atomic.AtomicReference;

/** The latest {@link NodeStatus}: written by the HA loop once per cycle, read by anyone. */
public final class StatusBoard {

    private final AtomicReference<NodeStatus> current;

    public StatusBoard(NodeStatus initial) {
        this.current = new AtomicReference<>(initial);
    }

    public NodeStatus current() {
        return current.get();
    }

    public void publish(NodeStatus status) {
        current.set(status);
    }
}
