package io.regent.agent.ha;

import io.regent.agent.postgres.PgProbe;
import io.regent.agent.postgres.PostgresControl;
import io.regent.common.config.HaConfig;
import io.regent.common.config.SynchronousMode;
import io.regent.common.model.ClusterView;
import io.regent.common.model.Lsn;
import io.regent.common.model.SyncState;
import io.regent.common.store.ClusterStore;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out {@link SyncPlanner}'s steps for the leader: the {@code sync} key (compare-and-swap, while
 * holding the leader key) and {@code synchronous_standby_names}, always in the order the step gives.
 */
final class SynchronousStandbys {

    private static final Logger LOG = LoggerFactory.getLogger(SynchronousStandbys.class);

    private final String name;
    private final ClusterStore store;
    private final PostgresControl postgres;
    private final Clock clock;
    private Optional<SyncPlanner.Pending> pending = Optional.empty();
    private String lastReason = "";

    SynchronousStandbys(String name, ClusterStore store, PostgresControl postgres, Clock clock) {
        this.name = name;
        this.store = store;
        this.postgres = postgres;
        this.clock = clock;
    }

    /** One step towards the synchronous standbys the leader should have; a failure waits for the next cycle. */
    void keep(ClusterView view, LocalState local, HaConfig config) {
        if (!config.synchronousMode().isSynchronous() && view.sync().isEmpty()) {
            return;
        }
        try {
            Lsn position = local.pg().map(PgProbe::position).orElse(Lsn.ZERO);
            SyncPlanner.Step step = SyncPlanner.next(name, config, view, postgres.standbyConnections(),
                    postgres.synchronousStandbyNames(), pending, position, clock.instant());
            if (step.writeKey().isPresent() && !store.writeSync(step.writeKey().get(), step.expectedRevision())) {
                LOG.warn("the sync key changed under us (or the leader key is gone); trying again next cycle");
                return;
            }
            step.setStandbyNames().ifPresent(postgres::setSynchronousStandbyNames);
            pending = step.pending();
            if (!step.reason().equals(lastReason)) {
                LOG.info("synchronous replication: {}", step.reason());
                lastReason = step.reason();
            }
        } catch (RuntimeException e) {
            LOG.warn("could not bring synchronous replication up to date: {}", e.getMessage());
        }
    }

    /**
     * Before a promotion in a synchronous mode: the {@code sync} key names this member as the leader with no
     * synchronous standby yet, so that nobody is promotable on the old leader's word, and commits wait for
     * a standby ({@code '*'}) until the planner names one. {@code false} when the key could not be written:
     * do not promote.
     */
    boolean takeOver(ClusterView view, HaConfig config) {
        if (!config.synchronousMode().isSynchronous()) {
            return true;
        }
        long revision = view.sync().map(SyncState::modRevision).orElse(0L);
        if (!store.writeSync(SyncState.of(name, Set.of(), 0), revision)) {
            LOG.warn("could not take over the sync key (it changed, or the leader key is gone); not promoting yet");
            return false;
        }
        postgres.setSynchronousStandbyNames("*");
        pending = Optional.empty();
        return true;
    }

    /**
     * What the leader's PostgreSQL must enforce from its first moment after a restart in place: at least
     * what the {@code sync} key promises, or nothing may be acknowledged ({@code strict}).
     */
    void beforeRestartInPlace(ClusterView view, HaConfig config) {
        SynchronousMode mode = config.synchronousMode();
        if (!mode.isSynchronous()) {
            return;
        }
        SyncClaim promised = SyncClaim.promisedBy(name, view);
        postgres.setSynchronousStandbyNames(promised.isEmpty() ? "*" : promised.standbyNames(mode));
        pending = Optional.empty();
    }
}
