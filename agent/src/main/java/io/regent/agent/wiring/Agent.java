package io.regent.agent.wiring;

import io.regent.agent.api.RestServer;
import io.regent.agent.fence.LeaderFence;
import io.regent.agent.ha.HaLoop;
import io.regent.agent.ha.JobRunner;
import io.regent.agent.postgres.PostgresControl;
import io.regent.common.store.ClusterStore;
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
    private final AtomicBoolean closed = new AtomicBoolean();

    public Agent(HaLoop loop, RestServer rest, JobRunner jobs, PostgresControl postgres, ClusterStore store, LeaderFence fence) {
        this.fence = fence;
        this.loop = loop;
        this.rest = rest;
        this.jobs = jobs;
        this.postgres = postgres;
        this.store = store;
    }

    public void start() {
        rest.start();
        // before the first cycle, so a restarted agent finds the fence (and its predecessor's deadline) first
        fence.start();
        loop.start();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
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
