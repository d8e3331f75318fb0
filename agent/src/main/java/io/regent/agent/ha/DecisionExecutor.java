package io.regent.agent.ha;

import io.regent.agent.ha.Decision.AcquireAndPromote;
import io.regent.agent.ha.Decision.Bootstrap;
import io.regent.agent.ha.Decision.CloneFrom;
import io.regent.agent.ha.Decision.Demote;
import io.regent.agent.ha.Decision.DropRequest;
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
import io.regent.agent.ha.Decision.StepDown;
import io.regent.agent.ha.Decision.Wait;
import io.regent.agent.postgres.PostgresControl;
import io.regent.agent.postgres.ReplicationSlot;
import io.regent.agent.postgres.Upstream;
import io.regent.common.config.HaConfig;
import io.regent.common.model.ClusterView;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.HistoryEntry;
import io.regent.common.model.LeaderLock;
import io.regent.common.model.Lsn;
import io.regent.common.model.PgState;
import io.regent.common.store.ClusterStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one {@link Decision}. Quick steps (lease writes, promote, reload) run on the loop
 * thread; slow ones (initdb, clone, start, stop) go to the {@link JobRunner}. Makes no choices of
 * its own: a step that fails is logged and the next cycle decides again.
 */
public final class DecisionExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(DecisionExecutor.class);
    private static final Duration START_RETRY_PAUSE = Duration.ofSeconds(1);

    private final String name;
    private final ClusterStore store;
    private final PostgresControl postgres;
    private final JobRunner jobs;
    private final HaConfig bootstrapConfig;
    private final Clock clock;
    private final RepairPolicy repairs;
    private final SlotKeeper slots;
    private Lsn lastPublishedOptime;
    private final SynchronousStandbys synchronous;
    private Set<String> reportedSlotProblems = Set.of();

    public DecisionExecutor(String name, ClusterStore store, PostgresControl postgres, JobRunner jobs, HaConfig bootstrapConfig,
                            RepairPolicy repairs, Clock clock) {
        this.name = name;
        this.repairs = repairs;
        this.slots = new SlotKeeper(name);
        this.synchronous = new SynchronousStandbys(name, store, postgres, clock);
        this.clock = clock;
        this.store = store;
        this.postgres = postgres;
        this.jobs = jobs;
        this.bootstrapConfig = bootstrapConfig;
    }

    public void execute(Decision decision, ClusterView view, LocalState local, HaConfig config) {
        if (decision instanceof Bootstrap) {
            jobs.submit("bootstrap of a new cluster", PgState.INITIALIZING, this::bootstrap);
        } else if (decision instanceof CloneFrom clone) {
            jobs.submit("clone from " + clone.leader(), PgState.CREATING_REPLICA, () -> {
                postgres.basebackup(clone.leader().upstream());
                postgres.start();
            });
        } else if (decision instanceof StartPostgres start && start.asPrimary()) {
            jobs.submit("restart of the leader's PostgreSQL", PgState.STARTING,
                    () -> {
                        synchronous.beforeRestartInPlace(view, config);
                        restartLeaderInPlace(config.primaryStartTimeoutDuration());
                    });
        } else if (decision instanceof StartPostgres start) {
            jobs.submit("start of PostgreSQL", PgState.STARTING, () -> {
                postgres.configure(true, start.upstream().map(LeaderTarget::upstream));
                postgres.start();
            });
        } else if (decision instanceof AcquireAndPromote acquire) {
            acquireAndPromote(acquire, view, config);
        } else if (decision instanceof KeepLeading) {
            keepLeading(view, local);
            keepFailsafeKey(view, config);
            restoreConfig(view, config);
            keepSlots(true, view, config, true);
            synchronous.keep(view, local, config);
        } else if (decision instanceof KeepLeadingInFailsafe || decision instanceof KeepLeadingOnLease) {
            return;
        } else if (decision instanceof Follow follow) {
            postgres.follow(follow.leader().upstream());
        } else if (decision instanceof RestartStandby restart) {
            jobs.submit("restart of the standby to follow " + restart.leader(), PgState.STARTING, () -> {
                postgres.stop();
                postgres.configure(true, Optional.of(restart.leader().upstream()));
                postgres.start();
            });
        } else if (decision instanceof Demote demote) {
            demote(demote, view, local);
        } else if (decision instanceof RestartPostgres restart) {
            jobs.submit("requested restart", PgState.STARTING, () -> {
                postgres.stop();
                postgres.configure(!restart.asPrimary(), restart.upstream().map(LeaderTarget::upstream));
                postgres.start();
            });
        } else if (decision instanceof Reinitialize reinit) {
            jobs.submit("requested re-clone from " + reinit.leader(), PgState.CREATING_REPLICA, () -> {
                postgres.stop();
                Path aside = postgres.moveDataDirectoryAside("reinit");
                LOG.warn("reinitialize: the old data directory is kept at {}; cloning from {}", aside, reinit.leader());
                postgres.basebackup(reinit.leader().upstream());
                postgres.start();
            });
        } else if (decision instanceof Reload reload) {
            postgres.configure(reload.standby(), reload.upstream());
            postgres.reload();
        } else if (decision instanceof Rewind rewind) {
            jobs.submit("rewind to follow " + rewind.leader(), PgState.STARTING, () -> repair(rewind));
        } else if (decision instanceof StepDown stepDown) {
            stepDown(stepDown, view, local);
        } else if (decision instanceof DropRequest drop) {
            LOG.warn("{}", drop.reason());
            store.clearFailover();
        } else if (decision instanceof KeepFollowing) {
            keepSlots(false, view, config, true);
        } else if (decision instanceof Wait) {
            return;
        } else {
            throw new AssertionError("unhandled decision " + decision);
        }
    }

    /** How a diverged data directory may be repaired: the node's {@code use_pg_rewind} and {@code reinit_on_rewind_failure}. */
    public record RepairPolicy(boolean usePgRewind, boolean reinitOnRewindFailure) {

        public static final RepairPolicy DEFAULT = new RepairPolicy(true, true);
    }

    /**
     * Starts the leader's PostgreSQL as the primary, retrying a start that fails quickly, until
     * {@code timeout} has passed; then stops whatever is left (a crash recovery still running) so that
     * the decider can hand the key to a standby.
     */
    private void restartLeaderInPlace(Duration timeout) {
        postgres.configure(false, Optional.empty());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long remainingSeconds = Math.max(1, (long) Math.ceil((deadline - System.nanoTime()) / 1e9));
            try {
                postgres.start(Duration.ofSeconds(remainingSeconds));
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() + START_RETRY_PAUSE.toNanos() >= deadline) {
                    postgres.stop();
                    throw e;
                }
                LOG.warn("the leader's PostgreSQL did not start ({}); retrying within primary_start_timeout", e.getMessage());
                sleep(START_RETRY_PAUSE);
            }
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting PostgreSQL", e);
        }
    }

    private void bootstrap() {
        if (!store.claimInitialize()) {
            LOG.info("another member claimed the bootstrap first");
            return;
        }
        try {
            postgres.initdb();
            postgres.start();
            postgres.createReplicationRole();
            String systemIdentifier = postgres.systemIdentifier()
                    .orElseThrow(() -> new IllegalStateException("pg_controldata shows no system identifier"));
            if (!store.acquireLeader()) {
                throw new IllegalStateException("the leader key was taken during bootstrap");
            }
            store.completeInitialize(systemIdentifier);
            store.seedConfig(bootstrapConfig);
            LOG.info("bootstrapped cluster {} as its leader", systemIdentifier);
        } catch (RuntimeException e) {
            LOG.error("bootstrap failed; removing the new data directory and releasing the claim: {}", e.getMessage());
            bestEffort("remove the new data directory", postgres::discardNewDataDirectory);
            bestEffort("release the leader key", store::releaseLeader);
            bestEffort("give back the bootstrap claim", store::cancelInitialize);
            throw e;
        }
    }

    private static void bestEffort(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("could not {}: {}", what, e.getMessage());
        }
    }

    private void acquireAndPromote(AcquireAndPromote acquire, ClusterView view, HaConfig config) {
        Optional<LeaderLock> mine = view.leader().filter(l -> l.isHeldBy(name));
        boolean holds = mine.isPresent() ? store.renewLeader(mine.get()) : store.acquireLeader();
        if (!holds) {
            LOG.info("another member took the leader key first; not promoting");
            return;
        }
        if (acquire.needsPromotion()) {
            if (!synchronous.takeOver(view, config)) {
                return;
            }
            // before the promotion, so the members that follow at once find their slot: unreserved, since
            // a standby's slot would otherwise hold WAL back until somebody streams through it
            keepSlots(true, view, config, false);
            postgres.promote();
            LOG.info("promoted: this member is the new leader");
            recordPromotion(acquire.reason());
        }
        if (view.failover().isPresent()) {
            // carried out, or overtaken by this election: a stale request must not fire later
            bestEffort("delete the carried-out failover request", store::clearFailover);
        }
        if (!view.isInitialized()) {
            // the cluster's data outlived its etcd state (etcd wiped, or a bootstrapper died after initdb)
            postgres.systemIdentifier().ifPresent(store::completeInitialize);
        }
    }

    /** Appends the timeline switch to {@code history}; the promotion stands even if this fails. */
    private void recordPromotion(String reason) {
        try {
            postgres.lastTimelineSwitch().ifPresent(change -> {
                store.appendHistory(new HistoryEntry(change.previousTimeline(), change.switchLsn(), reason, clock.instant(), name));
                LOG.info("timeline {} ended at {}; recorded in the cluster history", change.previousTimeline(), change.switchLsn());
            });
        } catch (RuntimeException e) {
            LOG.warn("could not record the promotion in the cluster history: {}", e.getMessage());
        }
    }

    private void keepLeading(ClusterView view, LocalState local) {
        view.leader().filter(l -> l.isHeldBy(name)).ifPresent(lock -> {
            if (!store.renewLeader(lock)) {
                LOG.warn("the leader key no longer names this member");
            }
        });
        local.pg().ifPresent(pg -> {
            if (pg.timeline() > 1 && view.switchPointOf(pg.timeline() - 1).isEmpty()) {
                // a promotion the history does not show: an append that failed, or a key holder whose
                // restart in place ended recovery on a new timeline
                recordPromotion("timeline " + pg.timeline() + " was not recorded in the history");
            }
            if (!pg.position().equals(lastPublishedOptime)) {
                if (store.publishStatus(pg.position(), local.tags().location())) {
                    lastPublishedOptime = pg.position();
                } else {
                    LOG.warn("the leader key no longer names {}: its position {} was not written to status", name,
                            pg.position());
                }
            }
        });
    }

    /** The {@code failsafe} key names every member while failsafe_mode is on, and is gone once it is off. */
    private void keepFailsafeKey(ClusterView view, HaConfig config) {
        FailsafeRules.keyUpdate(view, config, name).ifPresent(update -> {
            try {
                if (store.writeFailsafe(update.value())) {
                    LOG.info("failsafe key {}", update.value().map(m -> "now names " + String.join(", ", m.keySet()))
                            .orElse("deleted (failsafe_mode is off)"));
                }
            } catch (RuntimeException e) {
                LOG.warn("could not write the failsafe key: {}", e.getMessage());
            }
        });
    }

    /**
     * A {@code config} key deleted by hand is written again from the last intact copy (create-if-absent:
     * an operator's new value always wins). A key present but unreadable is left for the operator to fix.
     */
    private void restoreConfig(ClusterView view, HaConfig config) {
        boolean unreadable = view.problems().stream().anyMatch(problem -> problem.key().endsWith("/config"));
        if (view.isInitialized() && view.config().isEmpty() && !unreadable) {
            try {
                if (store.seedConfig(config)) {
                    LOG.warn("the config key was missing; restored it from the last intact copy");
                }
            } catch (RuntimeException e) {
                LOG.warn("could not restore the config key: {}", e.getMessage());
            }
        }
    }

    /**
     * Brings the slots in line with {@link SlotKeeper}'s plan; a failure is logged, never fatal: slots
     * protect WAL for the members, they do not decide who leads.
     */
    private void keepSlots(boolean leading, ClusterView view, HaConfig config, boolean reserve) {
        try {
            List<ReplicationSlot> existing = postgres.physicalSlots();
            SlotKeeper.SlotPlan plan = leading ? slots.forLeader(view, config, existing, clock.instant())
                    : slots.forStandby(existing, config);
            reportSlotProblems(plan.problems());
            plan.create().forEach(slot -> postgres.createPhysicalSlot(slot, reserve));
            plan.drop().forEach(postgres::dropSlot);
        } catch (RuntimeException e) {
            LOG.warn("could not bring the replication slots up to date: {}", e.getMessage());
        }
    }

    /** Each slot-name collision once, when it appears, and once more when it is gone. */
    private void reportSlotProblems(Set<String> problems) {
        if (problems.equals(reportedSlotProblems)) {
            return;
        }
        problems.stream().filter(p -> !reportedSlotProblems.contains(p)).forEach(p -> LOG.warn("replication slots: {}", p));
        reportedSlotProblems.stream().filter(p -> !problems.contains(p))
                .forEach(p -> LOG.info("replication slots: resolved: {}", p));
        reportedSlotProblems = Set.copyOf(problems);
    }

    /**
     * A switchover: no write may be acknowledged that the candidate has not received. The shutdown
     * checkpoint is the last WAL record; it is published in {@code status} before the key is released,
     * and the candidate takes the key only once it has received WAL past it.
     */
    private void stepDown(StepDown stepDown, ClusterView view, LocalState local) {
        LeaderTarget candidate = stepDown.candidate();
        if (stepDown.nameCandidate()) {
            store.requestFailover(FailoverRequest.switchover(name, Optional.of(candidate.name()), Optional.empty()));
        }
        bestEffort("checkpoint before the switchover", postgres::checkpoint);
        postgres.stop();
        Optional<Lsn> end = postgres.cleanShutdownCheckpoint();
        if (end.isPresent()) {
            if (!store.publishStatus(end.get(), local.tags().location())) {
                LOG.warn("the leader key no longer names {}: the shutdown checkpoint was not written to status", name);
            }
            LOG.info("stopped for the switchover; the last WAL record is the shutdown checkpoint at {}", end.get());
        } else {
            LOG.warn("PostgreSQL did not shut down cleanly for the switchover; {} may lack the last WAL", candidate.name());
        }
        if (view.leader().filter(l -> l.isHeldBy(name)).isPresent()) {
            store.releaseLeader();
        }
        jobs.submit("restart as a standby of " + candidate, PgState.STARTING, () -> {
            postgres.configure(true, Optional.of(candidate.upstream()));
            postgres.start();
        });
    }

    /**
     * pg_rewind when allowed; if it fails (or is off), a fresh clone when allowed, with the old data
     * directory kept aside. Either way the discarded WAL is logged with its positions.
     */
    private void repair(Rewind rewind) {
        LeaderTarget leader = rewind.leader();
        LOG.warn("WAL {} to {} on timeline {} exists only on this member and is discarded to follow {}",
                rewind.discardedFrom(), rewind.discardedTo(), rewind.timeline(), leader);
        postgres.stop();
        String discarded = name + " discarded WAL " + rewind.discardedFrom() + " to " + rewind.discardedTo() + " of timeline "
                + rewind.timeline() + " to follow " + leader.name();
        String rewindFailure = "";
        if (repairs.usePgRewind()) {
            try {
                postgres.rewind(leader.upstream());
                recordDiscard(rewind.timeline(), discarded + " (pg_rewind)");
                postgres.configure(true, Optional.of(leader.upstream()));
                postgres.start();
                return;
            } catch (RuntimeException e) {
                if (!repairs.reinitOnRewindFailure()) {
                    throw e;
                }
                LOG.warn("rewind failed ({}); cloning afresh from {}", e.getMessage(), leader);
                rewindFailure = "pg_rewind failed, ";
            }
        } else if (!repairs.reinitOnRewindFailure()) {
            throw new IllegalStateException("use_pg_rewind and reinit_on_rewind_failure are both off: the diverged data"
                    + " directory is left for an operator");
        }
        Path aside = postgres.moveDataDirectoryAside("diverged");
        LOG.warn("the diverged data directory is kept at {}; cloning from {}", aside, leader);
        recordDiscard(rewind.timeline(), discarded + " (" + rewindFailure + "cloned afresh; the old data directory is kept at "
                + aside + ")");
        postgres.basebackup(leader.upstream());
        postgres.start();
    }

    /** Nothing is lost silently: the repair is noted on the switch it followed; failing to note it stops nothing. */
    private void recordDiscard(int timeline, String note) {
        try {
            if (!store.recordDiscard(timeline, note)) {
                LOG.warn("the cluster history has no switch of timeline {} to note this on: {}", timeline, note);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not note in the cluster history that {}: {}", note, e.getMessage());
        }
    }

    private void demote(Demote demote, ClusterView view, LocalState local) {
        Optional<Upstream> upstream = demote.newUpstream().map(LeaderTarget::upstream);
        // stop first, on the loop thread: writes must end before anyone else can take the key. Without
        // etcd the lease is running out, and a fast shutdown can hang on walsenders whose standbys are
        // unreachable: stop at once (Patroni's immediate-nolock)
        if (local.storeReachable()) {
            postgres.stop();
        } else {
            postgres.stopImmediately();
        }
        if (local.storeReachable() && view.leader().filter(l -> l.isHeldBy(name)).isPresent()) {
            try {
                store.releaseLeader();
            } catch (RuntimeException e) {
                LOG.warn("could not release the leader key ({}); it expires with the lease", e.getMessage());
            }
        }
        jobs.submit("restart as a standby", PgState.STARTING, () -> {
            postgres.configure(true, upstream);
            postgres.start();
        });
    }
}
