package io.regent.agent.ha;

import io.regent.agent.ha.Decision.AcquireAndPromote;
import io.regent.agent.ha.Decision.Bootstrap;
import io.regent.agent.ha.Decision.CloneFrom;
import io.regent.agent.ha.Decision.Demote;
import io.regent.agent.ha.Decision.Follow;
import io.regent.agent.ha.Decision.KeepFollowing;
import io.regent.agent.ha.Decision.KeepLeading;
import io.regent.agent.ha.Decision.KeepLeadingInFailsafe;
import io.regent.agent.ha.Decision.KeepLeadingOnLease;
import io.regent.agent.ha.Decision.LeaderTarget;
import io.regent.agent.ha.Decision.Reinitialize;
import io.regent.agent.ha.Decision.Reload;
import io.regent.agent.ha.Decision.RestartPostgres;
import io.regent.agent.ha.Decision.RestartStandby;
import io.regent.agent.ha.Decision.Rewind;
import io.regent.agent.ha.Decision.StartPostgres;
import io.regent.agent.ha.Decision.Wait;
import io.regent.agent.postgres.PgProbe;
import io.regent.agent.postgres.Upstream;
import io.regent.common.config.HaConfig;
import io.regent.common.model.ClusterView;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.LeaderLock;
import io.regent.common.model.Member;
import java.util.Optional;

/**
 * Every HA rule, as one pure function from two immutable snapshots to a {@link Decision}. It reads no
 * clock, store, file or socket: whatever it needs to know comes in through its arguments, so each
 * rule is a unit test.
 */
public final class Decider {

    private Decider() {
    }

    public static Decision decide(ClusterView view, LocalState local, HaConfig config) {
        Decision decision = decideIgnoringFence(view, local, config);
        return local.fenceRefusal().map(refusal -> withoutFence(decision, view, refusal)).orElse(decision);
    }

    /**
     * A required watchdog that cannot be used (Patroni's {@code watchdog.mode: required}): never take the
     * leader key, and give it up rather than lead unguarded. In maintenance mode nothing is given up.
     */
    private static Decision withoutFence(Decision decision, ClusterView view, String refusal) {
        if (decision instanceof AcquireAndPromote || decision instanceof Bootstrap) {
            return new Wait("not taking the leader key: " + refusal);
        }
        boolean leading = decision instanceof KeepLeading || decision instanceof StartPostgres start && start.asPrimary();
        if (leading && !view.paused()) {
            return new Demote(Optional.empty(), "giving up the leader key: " + refusal);
        }
        return decision;
    }

    private static Decision decideIgnoringFence(ClusterView view, LocalState local, HaConfig config) {
        boolean holdsKey = view.leader().map(l -> l.isHeldBy(local.name())).orElse(false);
        if (local.job().isPresent()) {
            LocalState.RunningJob job = local.job().get();
            if (job.failed() && holdsKey && local.storeReachable() && !local.running()) {
                return new Demote(Optional.empty(), "PostgreSQL did not come back within primary_start_timeout ("
                        + config.primaryStartTimeout() + " s); releasing the leader key so that a standby takes over");
            }
            return new Wait(job.description());
        }
        if (!local.storeReachable()) {
            return withoutStore(view, local, config);
        }
        if (local.request().isPresent()) {
            return asked(view, local, holdsKey, local.request().get());
        }
        if (view.paused()) {
            return paused(view, local, holdsKey, config);
        }
        if (!local.hasData()) {
            return withoutData(view, local);
        }
        Optional<String> sysid = local.systemIdentifier();
        if (view.isInitialized() && sysid.isPresent() && !sysid.get().equals(view.initialize().get())) {
            return new Wait("the data directory belongs to another cluster (system identifier " + sysid.get()
                    + ", cluster " + view.initialize().get() + "); not touching it");
        }
        Optional<LeaderLock> lock = view.leader();
        if (!local.running()) {
            if (holdsKey) {
                return new StartPostgres(true, Optional.empty(), "PostgreSQL of the leader is not running; restarting it"
                        + " in place as the primary (primary_start_timeout " + config.primaryStartTimeout() + " s)");
            }
            Optional<LeaderTarget> leader = lock.flatMap(l -> target(view, l));
            return new StartPostgres(false, leader, leader.map(l -> "PostgreSQL is not running; starting it as a standby of " + l)
                    .orElse("PostgreSQL is not running; starting it in recovery until the leader's address is known"));
        }
        if (local.pg().isEmpty()) {
            return new Wait("PostgreSQL is running but does not accept connections yet");
        }
        PgProbe pg = local.pg().get();
        if (holdsKey) {
            if (pg.inRecovery()) {
                return new AcquireAndPromote(true, "this member holds the leader key but runs as a standby; promoting");
            }
            return Handover.forLeader(view, local, pg, config).orElseGet(() -> new KeepLeading("leading the cluster on timeline "
                    + pg.timeline() + view.failover().flatMap(FailoverRequest::scheduledAt)
                            .map(at -> "; a switchover is scheduled at " + at).orElse("")));
        }
        if (lock.isPresent()) {
            return withOtherLeader(view, lock.get(), local, pg, config);
        }
        return withoutLeader(view, local, pg, config);
    }

    /** What an operator asked of this node; a request that cannot be done now is a {@code Wait} saying why. */
    private static Decision asked(ClusterView view, LocalState local, boolean holdsKey, LocalRequests.Kind kind) {
        if (!local.hasData()) {
            return new Wait("no data directory: nothing to " + kind.name().toLowerCase(java.util.Locale.ROOT));
        }
        Optional<LeaderTarget> leader = view.leader().filter(l -> !holdsKey).flatMap(l -> target(view, l));
        return switch (kind) {
            case RELOAD -> local.running()
                    ? new Reload(local.pg().flatMap(PgProbe::configuredUpstream), local.pg().map(PgProbe::inRecovery).orElse(!holdsKey),
                            "reload requested: writing postgresql.conf again and reloading it")
                    : new Wait("PostgreSQL is not running: nothing to reload");
            case RESTART -> holdsKey
                    ? new RestartPostgres(true, Optional.empty(), "restart requested: restarting the leader's PostgreSQL in place")
                    : new RestartPostgres(false, leader, "restart requested: restarting PostgreSQL as a standby"
                            + leader.map(l -> " of " + l).orElse(""));
            case REINITIALIZE -> {
                if (holdsKey) {
                    yield new Wait("the leader cannot be reinitialized: switch over to another member first");
                }
                boolean leaderRuns = view.leaderMember().map(Member::isRunning).orElse(false);
                yield leader.filter(l -> leaderRuns).<Decision>map(l -> new Reinitialize(l,
                                "reinitialize requested: moving the data directory aside and cloning from " + l))
                        .orElseGet(() -> new Wait("no running leader to clone from: cannot reinitialize now"));
            }
        };
    }

    /**
     * Maintenance mode: the agent keeps the leader key and publishes state, but starts, stops, follows
     * and promotes nothing by itself. Only an operator's request acts.
     */
    private static Decision paused(ClusterView view, LocalState local, boolean holdsKey, HaConfig config) {
        Optional<PgProbe> pg = local.pg();
        if (holdsKey) {
            Optional<Decision> request = pg.filter(p -> !p.inRecovery()).flatMap(p -> Handover.forLeader(view, local, p, config));
            return request.orElseGet(() -> new KeepLeading("maintenance mode: keeping the leader key; no automatic action"));
        }
        if (view.leader().isEmpty() && pg.isPresent() && local.hasData()) {
            if (!pg.get().inRecovery()) {
                return new AcquireAndPromote(false, "maintenance mode: there is no leader key and this member runs the primary;"
                        + " taking the key");
            }
            Optional<Decision> request = Handover.withoutLeader(view, local, pg.get(), config);
            if (request.filter(AcquireAndPromote.class::isInstance).isPresent()) {
                return request.get();
            }
        }
        return new Wait("maintenance mode: no automatic action (PostgreSQL " + (local.running() ? "running" : "not running") + ")");
    }

    private static Decision withoutStore(ClusterView lastView, LocalState local, HaConfig config) {
        if (lastView.paused()) {
            return new Wait("etcd is unreachable; maintenance mode, so PostgreSQL is left as it is");
        }
        boolean leading = lastView.leader().map(l -> l.isHeldBy(local.name())).orElse(false);
        // a leader whose PostgreSQL does not answer may come back writable from crash recovery
        boolean mayBeWritable = local.isPrimary() || (leading && local.running() && local.pg().isEmpty());
        if (mayBeWritable && leading && local.isPrimary()) {
            Optional<Decision> failsafe = config.failsafeMode()
                    ? Optional.of(FailsafeRules.leaderWithoutStore(lastView, local, config)) : Optional.empty();
            if (failsafe.filter(KeepLeadingInFailsafe.class::isInstance).isPresent()) {
                return failsafe.get();
            }
            if (LeaseHold.allowsAnotherAttempt(local.leaseRemaining(), config)) {
                return new KeepLeadingOnLease("etcd is unreachable, but the leader lease is valid for "
                        + local.leaseRemaining().toMillis() + " ms more: enough to try again and still stop in time; staying"
                        + " primary");
            }
            if (failsafe.isPresent()) {
                return failsafe.get();
            }
        }
        if (mayBeWritable) {
            return new Demote(Optional.empty(), "etcd is unreachable, so the leader lease cannot be renewed (valid for "
                    + local.leaseRemaining().toMillis() + " ms more); demoting before it expires");
        }
        return new Wait("etcd is unreachable; changing nothing until it answers");
    }

    private static Decision withoutData(ClusterView view, LocalState local) {
        Optional<LeaderTarget> leader = view.leader().flatMap(l -> target(view, l));
        if (leader.isPresent() && view.leaderMember().map(Member::isRunning).orElse(false)) {
            return new CloneFrom(leader.get(), "no data directory; cloning from the leader " + leader.get());
        }
        if (view.isInitialized() || view.hasLeader()) {
            return new Wait("no data directory; waiting for a running leader to clone from");
        }
        if (view.isBeingInitialized()) {
            return new Wait("another member is initializing the cluster; waiting for its leader");
        }
        if (local.tags().nofailover()) {
            return new Wait("the cluster is not initialized, and a nofailover member does not initialize it");
        }
        return new Bootstrap("the cluster is not initialized; trying to initialize it");
    }

    private static Decision withOtherLeader(ClusterView view, LeaderLock lock, LocalState local, PgProbe pg,
                                            HaConfig config) {
        Optional<LeaderTarget> leader = target(view, lock);
        if (!pg.inRecovery()) {
            return new Demote(leader, "running as a primary while " + lock.name() + " holds the leader key; demoting");
        }
        if (leader.isEmpty()) {
            return new Wait("leader " + lock.name() + " has not published its address yet");
        }
        LeaderTarget target = leader.get();
        if (pg.configuredUpstream().filter(target.upstream()::equals).isPresent()) {
            // pointed at the leader, so if it does not stream, say why when the reason is divergence
            Optional<Rewind> divergence = divergence(view, lock, target, pg);
            if (divergence.isPresent()) {
                return divergence.get();
            }
            boolean streaming = pg.isStreamingFrom(target.upstream());
            boolean leaderRuns = view.member(lock.name()).map(Member::isRunning).orElse(false);
            // twice the ttl: a dead leader's keys (and its stale "running") vanish within one ttl
            if (!streaming && leaderRuns && local.receiverDownFor().compareTo(config.ttlDuration().multipliedBy(2)) >= 0) {
                return new RestartStandby(target, "the WAL receiver has not streamed from the running leader " + target
                        + " for " + local.receiverDownFor().toSeconds() + " s (2 x ttl is " + 2 * config.ttl()
                        + " s); restarting PostgreSQL to follow it");
            }
            String how = streaming ? "streaming from" : "configured to stream from";
            return new KeepFollowing(target, how + " the leader " + target + " on timeline " + pg.timeline());
        }
        return new Follow(target, "following the new leader " + target + " (was "
                + pg.configuredUpstream().map(Upstream::toString).orElse("no upstream") + ")");
    }

    /**
     * A standby whose WAL went past the point where its timeline ended on the leader's side cannot
     * stream from the leader: PostgreSQL would wait forever. It must be rewound to that point.
     */
    private static Optional<Rewind> divergence(ClusterView view, LeaderLock lock, LeaderTarget target, PgProbe pg) {
        if (pg.isStreamingFrom(target.upstream())) {
            return Optional.empty();
        }
        Integer leaderTimeline = view.member(lock.name()).map(Member::timeline).orElse(null);
        if (leaderTimeline == null || leaderTimeline <= pg.timeline()) {
            return Optional.empty();
        }
        return view.switchPointOf(pg.timeline())
                .filter(pg.replayed()::isAfter)
                .map(switchPoint -> new Rewind(target, switchPoint, pg.replayed(), pg.timeline(),
                        "this member's WAL diverged from the leader " + lock.name() + ": timeline " + pg.timeline()
                        + " ended at " + switchPoint + " on the leader's side, but this member replayed up to "
                        + pg.replayed() + "; rewinding to follow it"));
    }

    private static Decision withoutLeader(ClusterView view, LocalState local, PgProbe pg, HaConfig config) {
        if (pg.inRecovery()) {
            Optional<Decision> heldBack = FailsafeRules.holdsElectionBack(view, local, config);
            if (heldBack.isPresent()) {
                return heldBack.get();
            }
        }
        Optional<Decision> request = Handover.withoutLeader(view, local, pg, config);
        if (request.isPresent()) {
            return request.get();
        }
        LocalState.Leaderless leaderless = local.leaderless()
                .orElse(new LocalState.Leaderless(view.revision(), java.time.Duration.ZERO, false, Optional.empty()));
        Election.Verdict verdict = Election.judge(view, local, pg, config, leaderless);
        if (verdict instanceof Election.Won won) {
            return new AcquireAndPromote(pg.inRecovery(), won.reason());
        }
        Election.NotYet notYet = (Election.NotYet) verdict;
        String reason = notYet.reason();
        // while the others settle, nobody can take the key without outranking this running primary (it
        // ranks first on its timeline), and etcd answers: it may stay writable until the verdict is in
        if (!pg.inRecovery() && !notYet.settling()) {
            return new Demote(Optional.empty(), reason + "; a primary without the leader key must not stay writable");
        }
        return new Wait(reason);
    }

    private static Optional<LeaderTarget> target(ClusterView view, LeaderLock lock) {
        return view.member(lock.name())
                .flatMap(m -> Upstream.fromConnUrl(m.connUrl()))
                .map(upstream -> new LeaderTarget(lock.name(), upstream));
    }
}
