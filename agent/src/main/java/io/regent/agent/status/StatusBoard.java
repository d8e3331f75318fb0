package io.regent.agent.status;

import io.regent.common.config.HaConfig;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest {@link LoopSnapshot}: written by the HA loop once per cycle, read by anyone (REST handlers,
 * metrics). Subscribers are called on the loop thread right after each publication; they must be quick
 * and should not throw (a subscriber that throws is logged and skipped: it cannot stop the loop).
 */
public final class StatusBoard {

    private static final Logger LOG = LoggerFactory.getLogger(StatusBoard.class);

    private final AtomicReference<LoopSnapshot> current;
    private final List<Consumer<LoopSnapshot>> subscribers = new CopyOnWriteArrayList<>();

    public StatusBoard(NodeStatus initial, HaConfig startupConfig) {
        this.current = new AtomicReference<>(LoopSnapshot.starting(initial, startupConfig));
    }

    /** This node's status as of the last cycle. */
    public NodeStatus current() {
        return current.get().status();
    }

    /** Everything the last cycle published, consistent with itself. */
    public LoopSnapshot snapshot() {
        return current.get();
    }

    public void publish(LoopSnapshot snapshot) {
        current.set(snapshot);
        for (Consumer<LoopSnapshot> subscriber : subscribers) {
            try {
                subscriber.accept(snapshot);
            } catch (RuntimeException e) {
                // a metrics hiccup must never stop the HA loop
                LOG.warn("status subscriber failed: {}", e.toString());
            }
        }
    }

    /** Registers a callback run on the loop thread after every {@link #publish}. */
    public void subscribe(Consumer<LoopSnapshot> subscriber) {
        subscribers.add(subscriber);
    }
}
