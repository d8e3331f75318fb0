package io.regent.agent.ha;

import io.regent.agent.postgres.PgProbe;
import io.regent.common.config.HaConfig;
import io.regent.common.model.ClusterView;
import io.regent.common.model.Lsn;
import io.regent.common.model.Member;
import io.regent.common.model.Role;
import io.regent.common.model.SyncState;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Who should take the leader key when there is none. Pure: reads a snapshot, returns a verdict.
 *
 * <p>Candidates are ranked by timeline, then running as a primary already, then WAL position, then
 * priority, then being in the same
 * {@code location} as the former leader, then name (the earlier name wins a perfect tie, so two agents
 * never both believe they won). Only members that have published
 * since the cluster became leaderless count, so a position from before the loss cannot win or block
 * the election; a member that stays silent is ignored after the settle window.
 */
final class Election {

    /** A member's claim: what it has, how much it wants it, and whether it sits where the old leader sat. */
    record Claim(String name, int timeline, Lsn position, boolean runsAsPrimary, int priority, boolean besideFormerLeader) {
    }

    static final Comparator<Claim> BEST_FIRST = Comparator.comparingInt(Claim::timeline).reversed()
            // on its timeline a running primary has every record its standbys have (they got them from
            // it); positions published a moment apart can make a standby look ahead: keep the primary
            .thenComparing(Claim::runsAsPrimary, Comparator.reverseOrder())
            .thenComparing(Claim::position, Comparator.reverseOrder())
            .thenComparing(Comparator.comparingInt(Claim::priority).reversed())
            .thenComparing(Claim::besideFormerLeader, Comparator.reverseOrder())
            .thenComparing(Claim::name);

    /** The verdict for this member: win, or wait with the reason. */
    sealed interface Verdict {
    }

    record Won(String reason) implements Verdict {
    }

    /** No win: {@code settling} when only the settle window stands in the way (the outcome is still open). */
    record NotYet(String reason, boolean settling) implements Verdict {

        NotYet(String reason) {
            this(reason, false);
        }
    }

    private Election() {
    }

    /** After a leader loss: long enough for every live member to publish at least once more. */
    static Duration settleWindow(HaConfig config) {
        return Duration.ofSeconds(Math.max(2L * config.loopWait(), 2L));
    }

    /**
     * After the agent starts with no leader in sight (a whole-cluster start): peers may still be
     * starting, and the first to come up must not win just by being first, so wait one {@code ttl}.
     */
    static Duration startupSettleWindow(HaConfig config) {
        return config.ttlDuration();
    }

    static Verdict judge(ClusterView view, LocalState local, PgProbe pg, HaConfig config, LocalState.Leaderless leaderless) {
        if (local.tags().nofailover()) {
            return new NotYet("no leader, and this member is tagged nofailover");
        }
        Duration settle = leaderless.sinceStartup() ? startupSettleWindow(config) : settleWindow(config);
        boolean settled = leaderless.elapsed().compareTo(settle) >= 0;
        if (leaderless.sinceStartup() && !settled) {
            return new NotYet("no leader since start; waiting " + remaining(settle, leaderless)
                    + " for members starting with this one to publish their positions", true);
        }
        List<Member> silent = others(view, local).stream()
                .filter(m -> m.modRevision() <= leaderless.sinceRevision())
                .toList();
        if (!silent.isEmpty() && !settled) {
            return new NotYet("no leader; waiting " + remaining(settle, leaderless) + " for "
                    + names(silent) + " to publish a position", true);
        }
        Optional<SyncState> sync = config.synchronousMode().isSynchronous() ? view.sync() : Optional.empty();
        if (sync.isPresent()) {
            Optional<NotYet> refusal = synchronousRefusal(view, local, sync.get(), leaderless);
            if (refusal.isPresent()) {
                return refusal.get();
            }
        }
        Optional<String> formerLocation = leaderless.formerLeaderLocation();
        Claim mine = new Claim(local.name(), pg.timeline(), pg.position(), !pg.inRecovery(), local.tags().priority(),
                formerLocation.filter(local.tags().location()::equals).isPresent());
        Optional<Lsn> optime = view.optime();
        Optional<Claim> better = others(view, local).stream()
                .filter(m -> m.modRevision() > leaderless.sinceRevision())
                .filter(Member::isRunning)
                .filter(m -> !m.tags().nofailover())
                .filter(m -> sync.map(state -> promotable(state, m.name())).orElse(true))
                .filter(m -> m.lsn().isPresent() && m.timeline() != null)
                .filter(m -> sync.isPresent() || withinLag(optime, m.lsn().get(), config))
                .map(m -> new Claim(m.name(), m.timeline(), m.lsn().get(), m.role() == Role.PRIMARY, m.tags().priority(),
                        formerLocation.filter(m.tags().location()::equals).isPresent()))
                .filter(other -> BEST_FIRST.compare(other, mine) < 0)
                .min(BEST_FIRST);
        if (better.isPresent()) {
            Claim b = better.get();
            return new NotYet("no leader; " + b.name() + " is a better candidate (timeline " + b.timeline() + ", lsn "
                    + b.position() + ", priority " + b.priority() + (b.besideFormerLeader() ? ", beside the former leader" : "")
                    + ") than this member (timeline " + mine.timeline() + ", lsn " + mine.position() + ", priority "
                    + mine.priority() + ")");
        }
        // a synchronous standby has every acknowledged commit, however far behind the last published position
        if (sync.isEmpty() && !withinLag(optime, mine.position(), config)) {
            return new NotYet("no leader; this member's position " + mine.position() + " is "
                    + optime.get().bytesAhead(mine.position()) + " bytes behind the last leader position " + optime.get()
                    + ", more than maximum_lag_on_failover " + config.maximumLagOnFailover());
        }
        return new Won("no leader; this member is the best candidate (timeline " + mine.timeline() + ", lsn "
                + mine.position() + ")");
    }

    /**
     * In a synchronous mode only the leader that wrote {@code sync} and the standbys it names have every
     * acknowledged commit; and with a quorum ({@code ANY k} of n) one of them is sure to have a given
     * commit only among n - k + 1 of them, so that many must have been heard from since the leader was lost.
     */
    private static Optional<NotYet> synchronousRefusal(ClusterView view, LocalState local, SyncState sync,
                                                       LocalState.Leaderless leaderless) {
        if (sync.leader().equals(local.name())) {
            return Optional.empty();
        }
        if (!sync.names(local.name())) {
            return Optional.of(new NotYet("no leader; synchronous replication is on and only " + sync.leader()
                    + (sync.standbys().isEmpty() ? "" : " and " + String.join(", ", sync.standbysByName()))
                    + " have every acknowledged commit; this member may lack some, so it is not promoted"));
        }
        SyncClaim claim = SyncClaim.of(sync);
        List<String> heard = Stream.concat(Stream.of(local.name()), others(view, local).stream()
                        .filter(m -> sync.names(m.name()))
                        .filter(m -> m.modRevision() > leaderless.sinceRevision() && m.isRunning())
                        .map(Member::name))
                .sorted()
                .toList();
        if (heard.size() < claim.electorsNeeded()) {
            return Optional.of(new NotYet("no leader; each acknowledged commit is on " + claim.quorum() + " of "
                    + String.join(", ", sync.standbysByName()) + ", so " + claim.electorsNeeded() + " of them must be heard"
                    + " from to find one that has them all; heard from " + heard.size() + " (" + String.join(", ", heard) + ")"));
        }
        return Optional.empty();
    }

    private static boolean promotable(SyncState sync, String member) {
        return sync.leader().equals(member) || sync.names(member);
    }

    /** A candidate too far behind the last leader position could lose acknowledged writes: it may not win. */
    private static boolean withinLag(Optional<Lsn> optime, Lsn position, HaConfig config) {
        return optime.isEmpty() || optime.get().bytesAhead(position) <= config.maximumLagOnFailover();
    }

    private static List<Member> others(ClusterView view, LocalState local) {
        return view.membersByName().stream().filter(m -> !m.name().equals(local.name())).toList();
    }

    private static String names(List<Member> members) {
        return String.join(", ", members.stream().map(Member::name).toList());
    }

    private static String remaining(Duration settle, LocalState.Leaderless leaderless) {
        long millis = Math.max(0, settle.minus(leaderless.elapsed()).toMillis());
        return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
