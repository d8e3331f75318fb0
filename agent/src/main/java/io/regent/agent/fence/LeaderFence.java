package io.regent.agent.fence;

import io.regent.common.config.HaConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * Something that stops this node's primary if the agent stops renewing its lease, without needing the
 * agent's JVM to run: the fence process, a watchdog device. The HA loop calls it once per cycle, on the
 * loop thread, after deciding and before carrying the decision out, so a member is armed before it
 * promotes.
 */
public interface LeaderFence extends AutoCloseable {

    /** Before the first cycle: find or start what the fence needs (the fence process). */
    default void start() {
    }

    /** Why this member must not lead now (a required fence that cannot work); empty when it may. */
    Optional<String> refusal(HaConfig config);

    /** Carries out this cycle's order; never throws (a failure is logged, and shows in {@link #refusal}). */
    void apply(FenceOrder order, HaConfig config);

    /**
     * How long until this fence resets the whole machine unless it is fed again (an armed watchdog device);
     * empty when it resets nothing. A leader riding out an etcd outage on its lease must stop before then:
     * a reset takes every service on the host down, not just PostgreSQL.
     */
    default Optional<Duration> resetsMachineIn() {
        return Optional.empty();
    }

    /**
     * The agent stops cleanly with PostgreSQL stopped: stand down (disarm, release the device, end the
     * fence process). Not called when PostgreSQL could not be stopped, so the last deadline stands.
     */
    @Override
    void close();

    LeaderFence NONE = new LeaderFence() {
        @Override
        public Optional<String> refusal(HaConfig config) {
            return Optional.empty();
        }

        @Override
        public void apply(FenceOrder order, HaConfig config) {
        }

        @Override
        public void close() {
        }
    };
}
