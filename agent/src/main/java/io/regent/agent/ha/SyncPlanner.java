package io.regent.agent.ha;

import io.regent.agent.postgres.StandbyConnection;
import io.regent.common.config.HaConfig;
import io.regent.common.config.SynchronousMode;
import io.regent.common.model.ClusterView;
import io.regent.common.model.Lsn;
import io.regent.common.model.Member;
import io.regent.common.model.Role;
import io.regent.common.model.SyncState;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The leader's next step towards the synchronous standbys it should have. Pure: told the view, what
 * PostgreSQL enforces and who streams, it answers what to write where, in which order.
 *
 * <p>The order is the whole point: a member the {@code sync} key names may be promoted, so the key must
 * never promise more than every acknowledged commit satisfies. A change that weakens the promise
 * (dropping an {@code on} standby, adding a {@code quorum} member, lowering k) is written to the key
 * first and to PostgreSQL second. A change that strengthens it goes to PostgreSQL first; the key follows
 * only once enough of the new standbys have flushed the WAL written before the switch. A change that
 * does both passes through the strongest promise both imply.
 */
final class SyncPlanner {

    /** A strengthening in progress: PostgreSQL enforces {@code target}; the key waits for the catch-up. */
    record Pending(SyncClaim target, Instant switchedAt, Optional<Lsn> switchPosition) {
    }

    /**
     * What to do, in this order: write the key (compare-and-swap on {@code expectedRevision}; stop if it
     * fails), then set {@code synchronous_standby_names}; then remember {@code pending}.
     */
    record Step(Optional<SyncState> writeKey, long expectedRevision, Optional<String> setStandbyNames,
                Optional<Pending> pending, String reason) {

        boolean changesNothing() {
            return writeKey.isEmpty() && setStandbyNames.isEmpty();
        }
    }

    /** Time a reload is given to reach every walsender before the switch position is read. */
    static final Duration RELOAD_SETTLE = Duration.ofSeconds(1);

    private SyncPlanner() {
    }

    static Step next(String leader, HaConfig config, ClusterView view, List<StandbyConnection> connections,
                     String enforced, Optional<Pending> pending, Lsn position, Instant now) {
        SynchronousMode mode = config.synchronousMode();
        Optional<SyncState> key = view.sync();
        long revision = key.map(SyncState::modRevision).orElse(0L);
        boolean mine = key.filter(state -> state.leader().equals(leader)).isPresent();
        SyncClaim promised = SyncClaim.promisedBy(leader, view);
        if (!mode.isSynchronous()) {
            Optional<SyncState> clear = key.filter(state -> !state.standbys().isEmpty() || !state.leader().equals(leader))
                    .map(state -> SyncState.of(leader, Set.of(), 0));
            Optional<String> async = enforced.isEmpty() ? Optional.empty() : Optional.of("");
            return new Step(clear, revision, async, Optional.empty(), "synchronous_mode is off: replicating asynchronously");
        }
        SyncClaim target = target(leader, config, view, connections, promised);
        String targetNames = target.standbyNames(mode);
        if (promised.equals(target) && mine) {
            Optional<String> enforce = enforced.equals(targetNames) ? Optional.empty() : Optional.of(targetNames);
            return new Step(Optional.empty(), revision, enforce, Optional.empty(), "synchronous standbys: " + target);
        }
        if (promised.implies(target) || !mine && target.isEmpty()) {
            return new Step(Optional.of(target.toState(leader, mode)), revision, Optional.of(targetNames).filter(n -> !n.equals(enforced)),
                    Optional.empty(), "publishing " + target + " (was " + promised + "), then enforcing it");
        }
        // enforcing a target that implies the promise keeps the promise true: the key can wait
        SyncClaim between = target.implies(promised) ? promised : promised.common(target);
        if (!between.equals(promised) || !mine) {
            return new Step(Optional.of(between.toState(leader, mode)), revision, Optional.of(targetNames),
                    Optional.of(new Pending(target, now, Optional.empty())),
                    "moving from " + promised + " to " + target + ": publishing " + between + " first");
        }
        if (!enforced.equals(targetNames)) {
            return new Step(Optional.empty(), revision, Optional.of(targetNames), Optional.of(new Pending(target, now, Optional.empty())),
                    "enforcing " + target + " before publishing it");
        }
        Pending current = pending.filter(p -> p.target().equals(target)).orElse(new Pending(target, now, Optional.empty()));
        if (current.switchPosition().isEmpty()) {
            boolean settled = Duration.between(current.switchedAt(), now).compareTo(RELOAD_SETTLE) >= 0;
            Pending next = settled ? new Pending(target, current.switchedAt(), Optional.of(position)) : current;
            return new Step(Optional.empty(), revision, Optional.empty(), Optional.of(next),
                    "waiting for " + target + " to take effect before publishing it");
        }
        Lsn switchPosition = current.switchPosition().get();
        long caughtUp = caughtUp(target, connections, switchPosition);
        if (caughtUp >= target.quorum()) {
            return new Step(Optional.of(target.toState(leader, mode)), revision, Optional.empty(), Optional.empty(),
                    "publishing " + target + ": they have flushed the WAL up to " + switchPosition);
        }
        return new Step(Optional.empty(), revision, Optional.empty(), Optional.of(current), "waiting for " + target
                + " to flush the WAL up to " + switchPosition + " before publishing it (" + caughtUp + " have)");
    }

    /**
     * The standbys the leader should make synchronous: healthy ones streaming from it that are not tagged
     * {@code nosync} or {@code nofailover} (a synchronous standby exists to be promotable). The ones
     * already promised are kept first, so a healthy set is never reshuffled.
     */
    static SyncClaim target(String leader, HaConfig config, ClusterView view, List<StandbyConnection> connections,
                            SyncClaim promised) {
        // a promised standby stays while it is connected at all (a moment of catch-up is no reason to
        // reshuffle); a new one must be streaming
        Set<String> connected = connections.stream().map(StandbyConnection::applicationName).collect(Collectors.toSet());
        Set<String> streaming = connections.stream().filter(StandbyConnection::isStreaming)
                .map(StandbyConnection::applicationName).collect(Collectors.toSet());
        List<String> candidates = view.membersByName().stream()
                .filter(member -> !member.name().equals(leader))
                .filter(member -> member.isRunning() && member.role() == Role.REPLICA)
                .filter(member -> !member.tags().nosync() && !member.tags().nofailover())
                .map(Member::name)
                .filter(name -> streaming.contains(name) || promised.standbys().contains(name) && connected.contains(name))
                .sorted(Comparator.comparing((String name) -> !promised.standbys().contains(name)).thenComparing(name -> name))
                .toList();
        int count = config.synchronousNodeCount();
        if (config.synchronousMode() == SynchronousMode.QUORUM) {
            return new SyncClaim(Set.copyOf(candidates), Math.min(count, candidates.size()));
        }
        List<String> chosen = candidates.subList(0, Math.min(count, candidates.size()));
        return new SyncClaim(Set.copyOf(chosen), chosen.size());
    }

    private static long caughtUp(SyncClaim target, List<StandbyConnection> connections, Lsn switchPosition) {
        return connections.stream()
                .filter(c -> target.standbys().contains(c.applicationName()))
                .filter(StandbyConnection::isStreaming)
                .filter(c -> c.flushed().filter(flushed -> !switchPosition.isAfter(flushed)).isPresent())
                .map(StandbyConnection::applicationName)
                .distinct()
                .count();
    }
}
