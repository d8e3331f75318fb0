package io.regent.agent.status;

import io.regent.common.config.HaConfig;
import io.regent.common.model.ClusterView;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one HA cycle saw and did, published as a whole so a reader never mixes two cycles: this node's
 * status, the cluster view the cycle decided on, the settings in force, and the decision taken.
 *
 * @param decision   the simple name of the decision's record ({@code Follow}, {@code KeepLeading}…); empty
 *                   before the first cycle
 * @param cycleTook  how long the cycle took, from loading the view to publishing this snapshot
 */
public record LoopSnapshot(NodeStatus status, ClusterView view, HaConfig config, Optional<String> decision,
                           Duration cycleTook) {

    public LoopSnapshot {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(cycleTook, "cycleTook");
    }

    /** The snapshot an agent serves before its loop completed a cycle. */
    public static LoopSnapshot starting(NodeStatus status, HaConfig config) {
        return new LoopSnapshot(status, ClusterView.empty(0), config, Optional.empty(), Duration.ZERO);
    }

    public static LoopSnapshot ofCycle(NodeStatus status, ClusterView view, HaConfig config, String decision,
                                       Duration cycleTook) {
        return new LoopSnapshot(status, view, config, Optional.of(decision), cycleTook);
    }

    /** True once the loop has published at least one cycle. */
    public boolean cycled() {
        return decision.isPresent();
    }
}
