package io.regent.tests.bench;

import java.util.Map;
import java.util.Optional;

/**
 * One benchmark scenario: a fault injected into a fresh cluster and what it costs, measured from
 * the fault. Each {@link #run} builds its own cluster through {@link BenchContext#newCluster(int)}
 * and closes it, so runs are independent. To add a scenario (switchover, sync mode, etcd outage),
 * write one class implementing this and list it in {@link Scenarios}.
 */
public interface BenchScenario {

    /** The name used with {@code --scenario}, e.g. {@code host-loss}. */
    String name();

    /** One sentence for the report: the fault and the cluster it hits. */
    String description();

    /** The goal each figure is compared against in the report (issue 7), when there is one. */
    Map<Figure, String> goals();

    /** HA settings of its own, when the scenario does not use the benchmark's (they are reported with it). */
    default Optional<HaSettings> settings() {
        return Optional.empty();
    }

    /** Whether its clusters run each node in a network namespace ({@link BenchContext#newIsolatableCluster}; root only). */
    default boolean needsNetworkNamespaces() {
        return false;
    }

    /** How many runs out of the requested number (footprint samples are long: it runs fewer). */
    default int runs(int requested) {
        return requested;
    }

    /**
     * One run. A figure that cannot be measured (the standby never streamed, the old primary did
     * not rejoin) is left out or recorded as such with a note; an exception means the run itself
     * could not be carried out (the cluster did not come up).
     */
    RunFigures run(BenchContext context) throws Exception;
}
