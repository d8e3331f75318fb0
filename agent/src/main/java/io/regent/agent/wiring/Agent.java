package io.regent.agent.wiring;

import io.regent.agent.api.RestServer;
import io.regent.agent.fence.LeaderFence;
import io.regent.agent.ha.HaLoop;
import io.regent.agent.ha.JobRunner;
import io.regent.agent.postgres.PostgresControl;
import io.regent.common.config.HaConfig;
import io.regent.common.config.SlotNames;
import io.regent.common.model.ClusterView;
import io.regent.common.store.ClusterStore;
import io.regent.common.store.StoreUnavailableException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's daemon: the HA loop and the REST API around one PostgreSQL. Closing it is the orderly
 * shutdown an operator expects from {@code systemctl stop}: the loop stops deciding, PostgreSQL is
 * stopped (so a leader stops taking writes), and only then is the leader key released, so a standby
 * takes over at once instead of after the lease TTL. The fences stand down last, once PostgreSQL is down.
 */
public final class Agent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final HaLoop loop;
    private final RestServer rest;
    private final JobRunner jobs;
    private final PostgresControl postgres;
    private final ClusterStore store;
    private final LeaderFence fence;
    private static final java.time.Duration SLOT_CHECK_BOUND = java.time.Duration.ofSeconds(8);

    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private final String name;

    public Agent(String name, HaLoop loop, RestServer rest, JobRunner jobs, PostgresControl postgres, ClusterStore store,
                 LeaderFence fence) {
        this.name = name;
        this.fence = fence;
        this.loop = loop;
        this.rest = rest;
        this.jobs = jobs;
        this.postgres = postgres;
        this.store = store;
    }

    /**
     * Starts the REST API and the HA loop.
     *
     * @throws IllegalStateException when another member already uses this member's replication slot name
     */
    public void start() {
        refuseSharedSlotName();
        started.set(true);
        rest.start();
        // before the first cycle, so a restarted agent finds the fence (and its predecessor's deadline) first
        fence.start();
        loop.start();
    }

    /**
     * {@code node-1} and {@code node_1} would stream through one slot: whichever joins second refuses to
     * start. Without etcd at start the leader's slot plan still keeps the slot for one member and reports it.
     */
    private void refuseSharedSlotName() {
        ClusterView view = null;
        long deadline = System.nanoTime() + SLOT_CHECK_BOUND.toNanos();
        while (view == null) {
            try {
                view = store.load();
            } catch (StoreUnavailableException e) {
                // a fresh JVM's first etcd call can outlast retry_timeout on a loaded machine: try again, bounded
                if (System.nanoTime() - deadline > 0) {
                    LOG.warn("etcd unreachable at start ({}): the replication slot name is not checked against the other"
                            + " members", e.getMessage());
                    return;
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        Set<String> permanent = view.config().map(HaConfig::slots).map(java.util.Map::keySet).orElse(Set.of());
        SlotNames.conflictOf(name, view.members().keySet(), permanent).ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (!started.get()) {
            // refused to start: this agent touched neither PostgreSQL nor the leader key
            store.close();
            return;
        }
        LOG.info("shutting down: stopping the HA loop, then PostgreSQL, then releasing the leader key if held");
        loop.close();
        jobs.close();
        try {
            postgres.stop();
        } catch (RuntimeException e) {
            LOG.error("could not stop PostgreSQL: {}", e.getMessage());
        }
        try {
            if (!postgres.isRunning() && store.releaseLeader()) {
                LOG.info("released the leader key");
            }
        } catch (RuntimeException e) {
            LOG.warn("could not release the leader key ({}); it expires with the lease", e.getMessage());
        }
        if (postgres.isRunning()) {
            LOG.error("PostgreSQL is still running: the fences stay as they are, so a leader's last deadline still holds");
        } else {
            fence.close();
        }
        rest.close();
        store.close();
    }
}
