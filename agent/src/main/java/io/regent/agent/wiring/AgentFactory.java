package io.regent.agent.wiring;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Factory;
import io.regent.agent.api.HttpFailsafeProbe;
import io.regent.agent.api.RestServer;
import io.regent.agent.fence.DeviceWatchdog;
import io.regent.agent.fence.Fences;
import io.regent.agent.fence.LeaderFence;
import io.regent.agent.fence.ProcessFence;
import io.regent.agent.ha.DecisionExecutor;
import io.regent.agent.ha.FailsafeCalls;
import io.regent.agent.ha.HaLoop;
import io.regent.agent.ha.JobRunner;
import io.regent.agent.ha.LocalRequests;
import io.regent.agent.ha.LoopSignal;
import io.regent.agent.postgres.ControlTimeouts;
import io.regent.agent.postgres.LocalProbe;
import io.regent.agent.postgres.PgConnections;
import io.regent.agent.postgres.PgCtlPostgresControl;
import io.regent.agent.postgres.PostgresControl;
import io.regent.agent.postgres.ProcessRunner;
import io.regent.agent.status.NodeMetrics;
import io.regent.agent.status.NodeStatus;
import io.regent.agent.status.StatusBoard;
import io.regent.common.config.Credentials;
import io.regent.common.config.HaConfig;
import io.regent.common.config.NodeConfig;
import io.regent.common.config.Secret;
import io.regent.common.config.WatchdogMode;
import io.regent.common.store.ClusterStore;
import io.regent.common.store.KeyLayout;
import io.regent.common.store.etcd.EtcdStores;
import io.regent.common.time.MonotonicClock;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Assembles the agent from its {@link NodeConfig}. The only class with DI annotations: everything it
 * builds has a plain constructor, so tests build the same pieces with {@code new}.
 */
@Factory
public class AgentFactory {

    private static final Duration JOB_BACKOFF = Duration.ofSeconds(5);
    static final String RESTAPI_USERNAME_ENV = "REGENT_RESTAPI_USERNAME";
    static final String RESTAPI_PASSWORD_ENV = "REGENT_RESTAPI_PASSWORD";

    @Singleton
    MonotonicClock clock() {
        return MonotonicClock.SYSTEM;
    }

    /** The timings in force when the agent starts; the cluster's {@code config} key overrides them per cycle. */
    @Singleton
    HaConfig startupTimings(NodeConfig node) {
        return node.bootstrap().dcs();
    }

    @Singleton
    ClusterStore store(NodeConfig node, HaConfig timings, MonotonicClock clock) {
        return EtcdStores.forMember(node.etcd().endpoints(), new KeyLayout(node.namespace(), node.scope()), node.name(),
                timings.ttlDuration(), timings.retryTimeoutDuration(), clock);
    }

    @Singleton
    PgConnections connections(NodeConfig node, HaConfig timings) {
        return new PgConnections(node, timings.retryTimeoutDuration());
    }

    @Singleton
    PostgresControl postgres(NodeConfig node, PgConnections connections) {
        return new PgCtlPostgresControl(node, connections, new ProcessRunner(), ControlTimeouts.DEFAULTS);
    }

    @Singleton
    LocalProbe probe(PgConnections connections) {
        return new LocalProbe(connections);
    }

    @Singleton
    LoopSignal signal() {
        return new LoopSignal();
    }

    @Singleton
    JobRunner jobs(MonotonicClock clock, LoopSignal signal) {
        return new JobRunner(clock, JOB_BACKOFF, signal::wake);
    }

    @Singleton
    StatusBoard board(NodeConfig node) {
        return new StatusBoard(NodeStatus.starting(node.scope(), node.name()), node.bootstrap().dcs());
    }

    /** The agent's metrics, fed by every cycle the loop publishes; served on {@code GET /metrics}. */
    @Singleton
    PrometheusMeterRegistry metrics(NodeConfig node, StatusBoard board, MonotonicClock clock) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // as Patroni labels its metrics, so one Prometheus can scrape every member of every cluster
        registry.config().commonTags("scope", node.scope(), "name", node.name());
        NodeMetrics.bind(registry, board, clock);
        return registry;
    }

    @Singleton
    DecisionExecutor executor(NodeConfig node, ClusterStore store, PostgresControl postgres, JobRunner jobs) {
        return new DecisionExecutor(node.name(), store, postgres, jobs, node.bootstrap().dcs(),
                new DecisionExecutor.RepairPolicy(node.postgresql().usePgRewind(), node.postgresql().reinitOnRewindFailure()),
                Clock.systemUTC());
    }

    @Singleton
    LocalRequests localRequests(LoopSignal signal) {
        return new LocalRequests(signal);
    }

    @Singleton
    FailsafeCalls failsafeCalls(MonotonicClock clock) {
        return new FailsafeCalls(clock);
    }

    @Singleton
    HaLoop loop(NodeConfig node, ClusterStore store, PostgresControl postgres, LocalProbe probe, JobRunner jobs,
                DecisionExecutor executor, StatusBoard board, LoopSignal signal, LocalRequests requests, MonotonicClock clock,
                LeaderFence fence, FailsafeCalls failsafeCalls) {
        return new HaLoop(node, store, postgres, probe, jobs, executor, board, signal, requests, clock, fence,
                new HttpFailsafeProbe(restApiAuthentication(node, System.getenv())), failsafeCalls);
    }

    /** The fence process (section {@code fence}) and the watchdog device (section {@code watchdog}), as configured. */
    @Singleton
    LeaderFence fence(NodeConfig node) {
        List<LeaderFence> fences = new ArrayList<>();
        if (node.fence().enabled()) {
            fences.add(ProcessFence.of(node.name(), node.fenceSocket(), node.postgresql().dataDir(),
                    Duration.ofSeconds(node.fence().safetyMargin())));
        }
        if (node.watchdog().mode() != WatchdogMode.OFF) {
            fences.add(DeviceWatchdog.of(node.watchdog()));
        }
        return new Fences(fences);
    }

    @Singleton
    RestServer rest(NodeConfig node, StatusBoard board, MonotonicClock clock, PrometheusMeterRegistry metrics, ClusterStore store,
                    LocalRequests requests, FailsafeCalls failsafeCalls) {
        return new RestServer(node.restapi().listen(), board, clock, node.tags(), restApiAuthentication(node, System.getenv()),
                metrics, store, EtcdStores.adminSharing(store), requests, failsafeCalls);
    }

    /**
     * Basic-auth credentials for the REST API's unsafe methods: {@code restapi.authentication}, or
     * {@value #RESTAPI_USERNAME_ENV} and {@value #RESTAPI_PASSWORD_ENV} (Patroni's
     * {@code PATRONI_RESTAPI_USERNAME/PASSWORD}), which win when both are set; none otherwise.
     */
    static Optional<Credentials> restApiAuthentication(NodeConfig node, Map<String, String> environment) {
        String username = environment.get(RESTAPI_USERNAME_ENV);
        String password = environment.get(RESTAPI_PASSWORD_ENV);
        if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
            return node.restapi().credentials();
        }
        return Optional.of(new Credentials(username, Secret.of(password)));
    }

    @Singleton
    Agent agent(NodeConfig node, HaLoop loop, RestServer rest, JobRunner jobs, PostgresControl postgres, ClusterStore store,
                LeaderFence fence) {
        return new Agent(node.name(), loop, rest, jobs, postgres, store, fence);
    }
}
