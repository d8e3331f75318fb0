package io.regent.agent.ha;

import io.regent.agent.fence.FenceOrder;
import io.regent.agent.fence.LeaderFence;
import io.regent.agent.postgres.LocalProbe;
import io.regent.agent.postgres.PgProbe;
import io.regent.agent.postgres.PostgresControl;
import io.regent.agent.postgres.Upstream;
import io.regent.agent.status.LoopSnapshot;
import io.regent.agent.status.NodeStatus;
import io.regent.agent.status.StatusBoard;
import io.regent.common.config.HaConfig;
import io.regent.common.config.NodeConfig;
import io.regent.common.model.ClusterView;
import io.regent.common.model.KeyProblem;
import io.regent.common.model.LeaderLock;
import io.regent.common.model.Member;
import io.regent.common.model.PgState;
import io.regent.common.model.Role;
import io.regent.common.store.ClusterStore;
import io.regent.common.store.LeaseStatus;
import io.regent.common.store.StoreUnavailableException;
import io.regent.common.time.MonotonicClock;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's only actor: one thread that cycles snapshot → probe → decide → execute → publish.
 * See {@code package-info.java} for the contract.
 */
public final class HaLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HaLoop.class);
    private static final Duration REPEAT_REASON_EVERY = Duration.ofSeconds(30);

    private enum Lifecycle { NEW, STARTED, CLOSED }

    private final NodeConfig node;
    private final ClusterStore store;
    private final PostgresControl postgres;
    private final LocalProbe probe;
    private final JobRunner jobs;
    private final DecisionExecutor executor;
    private final StatusBoard board;
    private final LoopSignal signal;
    private final LocalRequests requests;
    /** A request whose job is running: answered when the job ends. */
    private LocalRequests.Pending requestInJob;
    private final MonotonicClock clock;
    private final LeaderFence fence;
    private final FailsafeProbe failsafeProbe;
    private final FailsafeCalls failsafeCalls;
    /** Until when the standbys that confirmed this leader without etcd hold their elections back; 0 when none did. */
    private long failsafeValidUntilNanos;
    private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.NEW);
    private final Thread thread;
    private volatile boolean running = true;

    private ClusterView lastView = ClusterView.empty(0);
    /** The dynamic config as last read intact: a config key broken or deleted by hand does not change the rules. */
    private HaConfig lastGoodConfig;
    private java.util.Set<KeyProblem> reportedProblems = java.util.Set.of();
    private LeaseStatus lastLease;
    private LocalState.Leaderless leaderless;
    private long leaderlessSinceNanos;
    private long receiverDownSinceNanos = -1;
    private Optional<Upstream> receiverDownUpstream = Optional.empty();
    private boolean sawLeader;
    private String lastReason = "";
    private long lastReasonLoggedNanos;
    private boolean storeWasReachable = true;
    /** Kept leading on its lease without etcd: the next attempt starts after a short pause, not loop_wait. */
    private boolean retrySoon;
    private Member lastPublished;
    private long lastPublishedNanos;
    private AutoCloseable watch;
    /** The leader as of the last snapshot, for the watch callback's filter; null when there is none. */
    private volatile String currentLeader;

    public HaLoop(NodeConfig node, ClusterStore store, PostgresControl postgres, LocalProbe probe, JobRunner jobs,
                  DecisionExecutor executor, StatusBoard board, LoopSignal signal, LocalRequests requests, MonotonicClock clock,
                  LeaderFence fence, FailsafeProbe failsafeProbe, FailsafeCalls failsafeCalls) {
        this.failsafeProbe = failsafeProbe;
        this.failsafeCalls = failsafeCalls;
        this.node = node;
        this.store = store;
        this.postgres = postgres;
        this.probe = probe;
        this.jobs = jobs;
        this.executor = executor;
        this.board = board;
        this.signal = signal;
        this.requests = requests;
        this.clock = clock;
        this.fence = fence;
        this.thread = new Thread(this::run, "regent-ha-loop");
        this.lastGoodConfig = node.bootstrap().dcs();
    }

    public void start() {
        if (!lifecycle.compareAndSet(Lifecycle.NEW, Lifecycle.STARTED)) {
            throw new IllegalStateException("HA loop cannot be started twice");
        }
        thread.start();
    }

    private void run() {
        while (running) {
            long started = clock.nanos();
            HaConfig config = cycle();
            Duration took = Duration.ofNanos(clock.nanos() - started);
            if (took.compareTo(config.loopWaitDuration().plus(config.retryTimeoutDuration())) > 0) {
                LOG.warn("HA cycle took {} ms, more than loop_wait + retry_timeout ({} s): a pause or a slow call",
                        took.toMillis(), config.loopWait() + config.retryTimeout());
            }
            if (running) {
                signal.await(retrySoon ? LeaseHold.RETRY_PAUSE : config.loopWaitDuration());
            }
        }
    }

    /** One cycle; never throws, returns the settings in force for the wait that follows. */
    HaConfig cycle() {
        long started = clock.nanos();
        // before the view: a job that ends after the view was read (a bootstrap taking the leader key) must
        // still count as running, or the decider would judge its outcome on a view that predates it
        Optional<LocalState.RunningJob> job = jobs.current();
        answerRequestInJob(job);
        Optional<LocalRequests.Pending> request = requests.take();
        boolean reachable = refreshFromStore();
        ensureWatch(reachable);
        ClusterView view = lastView;
        view.config().ifPresent(good -> lastGoodConfig = good);
        HaConfig config = lastGoodConfig;
        reportProblems(view);
        trackLeaderless(view);
        LocalState local = localState(reachable, job, request.map(LocalRequests.Pending::kind));
        if (reachable && !publishMember(view, local, config)) {
            // one failed call is enough to stop trusting etcd this cycle: every further call could
            // take another retry_timeout, and a leader must not spend its lease waiting on them
            storeWasReachable = false;
            local = local.withStoreUnreachable();
        }
        Decided decided = decideAndFence(view, local, config);
        local = decided.local();
        Decision decision = decided.decision();
        FenceOrder fenceOrder = decided.fenceOrder();
        boolean executed = false;
        try {
            executor.execute(decision, view, local, config);
            executed = true;
        } catch (StoreUnavailableException e) {
            // as with a failed publish: the next cycle's keepalive would spend another retry_timeout of the
            // lease finding out; decide again now, with etcd unreachable (a leader demotes)
            LOG.warn("{} failed: {}; deciding again with etcd unreachable", decision.getClass().getSimpleName(), e.getMessage());
            storeWasReachable = false;
            decided = decideAndFence(view, local.withStoreUnreachable(), config);
            local = decided.local();
            decision = decided.decision();
            fenceOrder = decided.fenceOrder();
            executed = execute(decision, view, local, config);
        } catch (RuntimeException e) {
            LOG.error("{} failed: {}", decision.getClass().getSimpleName(), e.getMessage());
            LOG.debug("failure detail", e);
        }
        if (request.isPresent()) {
            answer(request.get(), decision, executed);
        }
        board.publish(LoopSnapshot.ofCycle(status(view, local, decision), view, config,
                decision.getClass().getSimpleName(), Duration.ofNanos(clock.nanos() - started)));
        // the key held on an older lease (an agent restart) was moved to this agent's lease just now: arm the
        // fence for it without waiting loop_wait
        boolean keyReattached = executed && local.storeReachable() && decision instanceof Decision.KeepLeading
                && fenceOrder instanceof FenceOrder.Hold;
        retrySoon = decision instanceof Decision.KeepLeadingOnLease;
        if (decision instanceof Decision.AcquireAndPromote || decision instanceof Decision.StepDown || keyReattached) {
            // the role just changed: look again now, so /primary and the member key say so without waiting loop_wait
            signal.wake();
        }
        return config;
    }

    /** What one decision was taken on, and the fence order that went with it. */
    private record Decided(LocalState local, Decision decision, FenceOrder fenceOrder) {
    }

    /**
     * Gathers the failsafe input, reads the lease's remaining time again (the cycle's calls used some of it),
     * decides, and arms or disarms the fences before anything is carried out.
     */
    private Decided decideAndFence(ClusterView view, LocalState local, HaConfig config) {
        long failsafeSentAt = clock.nanos();
        LocalState ready = local.withFailsafe(gatherFailsafe(view, local, config)).withLeaseRemaining(writableWithoutRenewal());
        Decision decision = Decider.decide(view, ready, config);
        failsafeValidUntilNanos = decision instanceof Decision.KeepLeadingInFailsafe
                ? failsafeSentAt + config.ttlDuration().toNanos() : 0;
        logReason(decision);
        FenceOrder order = Fencing.order(view, ready, lastLease == null ? 0 : lastLease.leaseId(), fenceRemaining(decision),
                decision);
        fence.apply(order, config);
        return new Decided(ready, decision, order);
    }

    private boolean execute(Decision decision, ClusterView view, LocalState local, HaConfig config) {
        try {
            executor.execute(decision, view, local, config);
            return true;
        } catch (RuntimeException e) {
            LOG.error("{} failed: {}", decision.getClass().getSimpleName(), e.getMessage());
            LOG.debug("failure detail", e);
            return false;
        }
    }

    /**
     * The failsafe_mode input of this cycle: the last leader that called this member and, for a leader that
     * cannot reach etcd, one round of {@code POST /failsafe} to the members it must reach, bounded by
     * {@code retry_timeout}.
     */
    private FailsafeInput gatherFailsafe(ClusterView view, LocalState local, HaConfig config) {
        FailsafeInput input = new FailsafeInput(Optional.empty(), failsafeCalls.latest());
        boolean leading = view.leader().map(l -> l.isHeldBy(node.name())).orElse(false);
        if (local.storeReachable() || !config.failsafeMode() || !leading || !local.isPrimary() || view.paused()) {
            return input;
        }
        Optional<java.util.Map<String, String>> toReach = FailsafeRules.membersToConfirm(view, node.name());
        if (toReach.isEmpty()) {
            return input;
        }
        FailsafeRules.Call call = new FailsafeRules.Call(node.name(), node.postgresql().connUrl(), node.restapi().url() + "/patroni");
        return input.withConfirmation(failsafeProbe.confirm(toReach.get(), call, config.retryTimeoutDuration()));
    }

    /** A request the decider turned into its action is answered when that action ends; any other decision is a refusal. */
    private void answer(LocalRequests.Pending request, Decision decision, boolean executed) {
        boolean acted = decision instanceof Decision.RestartPostgres || decision instanceof Decision.Reinitialize
                || decision instanceof Decision.Reload;
        if (!acted || !executed) {
            request.outcome().complete(new LocalRequests.Outcome(false, decision.reason()));
        } else if (decision instanceof Decision.Reload) {
            request.outcome().complete(new LocalRequests.Outcome(true, "reloaded"));
        } else {
            requestInJob = request;
        }
    }

    private void answerRequestInJob(Optional<LocalState.RunningJob> job) {
        if (requestInJob == null || job.filter(j -> !j.failed()).isPresent()) {
            return;
        }
        requestInJob.outcome().complete(job.isEmpty() ? new LocalRequests.Outcome(true, "done")
                : new LocalRequests.Outcome(false, job.get().description() + " (see the agent's log)"));
        requestInJob = null;
    }

    /** Each unreadable key once per change, with the reason; and once more when it is readable again. */
    private void reportProblems(ClusterView view) {
        java.util.Set<KeyProblem> now = java.util.Set.copyOf(view.problems());
        if (now.equals(reportedProblems)) {
            return;
        }
        for (KeyProblem problem : now) {
            if (!reportedProblems.contains(problem)) {
                LOG.warn("ignoring etcd key {}: {}", problem.key(), problem.reason());
            }
        }
        for (KeyProblem gone : reportedProblems) {
            if (now.stream().noneMatch(p -> p.key().equals(gone.key()))) {
                LOG.info("etcd key {} is readable again (or gone)", gone.key());
            }
        }
        reportedProblems = now;
    }

    private boolean refreshFromStore() {
        try {
            lastLease = store.keepAlive();
            lastView = store.load();
            if (!storeWasReachable) {
                LOG.info("etcd answers again");
            }
            storeWasReachable = true;
            return true;
        } catch (StoreUnavailableException e) {
            if (storeWasReachable) {
                LOG.warn("etcd unreachable: {}", e.getMessage());
            }
            storeWasReachable = false;
            return false;
        }
    }

    private void ensureWatch(boolean reachable) {
        if (watch == null && reachable) {
            try {
                watch = store.watch(this::onStoreChange);
            } catch (RuntimeException e) {
                LOG.warn("cannot watch etcd yet: {}", e.getMessage());
            }
        }
    }

    /**
     * Runs on an etcd thread: wakes the loop for changes that can alter a decision. Other members'
     * routine position updates only matter while there is no leader (an election compares them) or
     * when they come from the leader itself.
     */
    private void onStoreChange(ClusterStore.Change change) {
        String leader = currentLeader;
        if (change.clusterKeys() || leader == null || change.members().contains(leader)) {
            signal.wake();
        }
    }

    private void trackLeaderless(ClusterView view) {
        currentLeader = view.leader().map(LeaderLock::name).orElse(null);
        if (view.hasLeader()) {
            leaderless = null;
            sawLeader = true;
        } else if (leaderless == null) {
            // from the status key, not from memory: every agent must rank candidates on the same input
            leaderless = new LocalState.Leaderless(view.revision(), Duration.ZERO, !sawLeader, view.leaderLocation());
            leaderlessSinceNanos = clock.nanos();
        } else {
            leaderless = new LocalState.Leaderless(leaderless.sinceRevision(),
                    Duration.ofNanos(clock.nanos() - leaderlessSinceNanos), leaderless.sinceStartup(),
                    leaderless.formerLeaderLocation());
        }
    }

    private LocalState localState(boolean reachable, Optional<LocalState.RunningJob> job,
                                  Optional<LocalRequests.Kind> request) {
        boolean hasData = postgres.hasDataDirectory();
        boolean pgRunning = hasData && postgres.isRunning();
        Optional<PgProbe> pg = Optional.empty();
        if (pgRunning) {
            try {
                pg = Optional.of(probe.probe());
            } catch (SQLException e) {
                LOG.debug("probe failed: {}", e.getMessage());
            }
        }
        Optional<String> systemIdentifier = pg.map(PgProbe::systemIdentifier);
        if (hasData && !pgRunning) {
            systemIdentifier = postgres.systemIdentifier();
        }
        return new LocalState(node.name(), node.tags(), hasData, systemIdentifier, pgRunning, pg, job, reachable, leaseRemaining(),
                Optional.ofNullable(leaderless), receiverDownFor(pg), java.time.Instant.now(), request, fence.refusal(lastGoodConfig),
                FailsafeInput.NONE);
    }

    /**
     * How long this member may stay writable: its lease; or, kept leading by failsafe_mode without etcd,
     * as long as the members that confirmed it hold their elections back (one ttl from the call).
     */
    private Duration fenceRemaining(Decision decision) {
        if (decision instanceof Decision.KeepLeadingInFailsafe) {
            return Duration.ofNanos(Math.max(0, failsafeValidUntilNanos - clock.nanos()));
        }
        return leaseRemaining();
    }

    /** How long this member may stay primary without renewing: its lease, or less if a watchdog would reset the host first. */
    private Duration writableWithoutRenewal() {
        Duration lease = leaseRemaining();
        return fence.resetsMachineIn().filter(reset -> reset.compareTo(lease) < 0).orElse(lease);
    }

    private Duration leaseRemaining() {
        return lastLease == null ? Duration.ZERO : Duration.ofNanos(Math.max(0, lastLease.validUntilNanos() - clock.nanos()));
    }

    /** Publishes when something changed, and at least every {@code loop_wait} even when nothing did. */
    /**
     * How long a standby has gone without a streaming WAL receiver since it was pointed at its current
     * upstream (a new upstream starts the count afresh).
     */
    private Duration receiverDownFor(Optional<PgProbe> pg) {
        Optional<PgProbe> waiting = pg.filter(PgProbe::inRecovery).filter(p -> p.configuredUpstream().isPresent())
                .filter(p -> p.receiver().map(r -> !r.isStreaming()).orElse(true));
        Optional<Upstream> upstream = waiting.flatMap(PgProbe::configuredUpstream);
        if (upstream.isEmpty() || !upstream.equals(receiverDownUpstream)) {
            receiverDownSinceNanos = -1;
        }
        receiverDownUpstream = upstream;
        if (upstream.isEmpty()) {
            return Duration.ZERO;
        }
        if (receiverDownSinceNanos < 0) {
            receiverDownSinceNanos = clock.nanos();
        }
        return Duration.ofNanos(clock.nanos() - receiverDownSinceNanos);
    }

    /** Returns false if etcd did not take the write. */
    private boolean publishMember(ClusterView view, LocalState local, HaConfig config) {
        Member member = member(view, local);
        long now = clock.nanos();
        // an election compares only positions published since the leader was lost: publish once after it
        boolean publishedSinceLoss = leaderless == null || view.member(node.name())
                .map(m -> m.modRevision() > leaderless.sinceRevision()).orElse(false);
        if (publishedSinceLoss && member.equals(lastPublished) && now - lastPublishedNanos < config.loopWaitDuration().toNanos()
                && view.member(node.name()).isPresent()) {
            return true;
        }
        try {
            store.publishMember(member);
            lastPublished = member;
            lastPublishedNanos = now;
            return true;
        } catch (StoreUnavailableException e) {
            LOG.warn("etcd unreachable: could not publish member state: {}", e.getMessage());
            return false;
        }
    }

    private Member member(ClusterView view, LocalState local) {
        Optional<PgProbe> pg = local.pg();
        return new Member(node.name(), role(local), state(local), node.postgresql().connUrl(),
                node.restapi().url() + "/patroni",
                pg.map(p -> p.position().value()).orElse(null),
                pg.map(PgProbe::timeline).orElse(null),
                upstream(view, local).orElse(null),
                node.tags(),
                pg.map(PgProbe::serverVersion).orElse(null),
                0);
    }

    private static Role role(LocalState local) {
        if (!local.hasData()) {
            return Role.UNINITIALIZED;
        }
        return local.isPrimary() ? Role.PRIMARY : Role.REPLICA;
    }

    private static PgState state(LocalState local) {
        if (local.job().isPresent()) {
            return local.job().get().impliedState();
        }
        if (!local.running()) {
            return PgState.STOPPED;
        }
        return local.pg().isPresent() ? PgState.RUNNING : PgState.STARTING;
    }

    /** The leader's name when streaming from it, else the address streamed from. */
    private static Optional<String> upstream(ClusterView view, LocalState local) {
        return local.pg().flatMap(PgProbe::receiver).filter(PgProbe.WalReceiver::isStreaming).map(receiver ->
                view.leaderMember()
                        .filter(leader -> io.regent.agent.postgres.Upstream.fromConnUrl(leader.connUrl())
                                .filter(receiver.sender()::equals).isPresent())
                        .map(Member::name)
                        .orElse(receiver.sender().toString()));
    }

    private void logReason(Decision decision) {
        long now = clock.nanos();
        if (!decision.reason().equals(lastReason) || now - lastReasonLoggedNanos > REPEAT_REASON_EVERY.toNanos()) {
            LOG.info("{}", decision.reason());
            lastReason = decision.reason();
            lastReasonLoggedNanos = now;
        } else {
            LOG.debug("{}", decision.reason());
        }
    }

    private NodeStatus status(ClusterView view, LocalState local, Decision decision) {
        Optional<PgProbe> pg = local.pg();
        boolean failsafe = decision instanceof Decision.KeepLeadingInFailsafe;
        boolean onLease = decision instanceof Decision.KeepLeadingOnLease;
        boolean leader = view.leader().map(l -> l.isHeldBy(node.name())).orElse(false)
                && (local.storeReachable() || failsafe || onLease);
        return new NodeStatus(node.scope(), node.name(), role(local), state(local),
                pg.map(PgProbe::timeline).orElse(null),
                pg.map(p -> p.position().value()).orElse(null),
                pg.map(PgProbe::serverVersion).orElse(null),
                pg.map(PgProbe::systemIdentifier).orElse(null),
                leader,
                failsafe ? failsafeValidUntilNanos : lastLease == null ? 0 : lastLease.validUntilNanos(),
                pg.flatMap(PgProbe::receiver).map(PgProbe.WalReceiver::isStreaming).orElse(false),
                upstream(view, local).orElse(null),
                decision.reason(),
                clock.nanos());
    }

    /** Stops the loop thread; PostgreSQL and the leader key are left as they are (see {@code Agent}). */
    @Override
    public void close() {
        if (lifecycle.getAndSet(Lifecycle.CLOSED) != Lifecycle.STARTED) {
            return;
        }
        running = false;
        signal.wake();
        try {
            thread.join(Duration.ofSeconds(90).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        probe.close();
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception e) {
                LOG.debug("closing watch", e);
            }
        }
    }
}
