package io.regent.agent.ha;

import io.regent.agent.ha.Decision.AcquireAndPromote;
import io.regent.agent.ha.Decision.DropRequest;
import io.regent.agent.ha.Decision.LeaderTarget;
import io.regent.agent.ha.Decision.StepDown;
import io.regent.agent.ha.Decision.Wait;
import io.regent.agent.postgres.PgProbe;
import io.regent.agent.postgres.Upstream;
import io.regent.common.config.HaConfig;
import io.regent.common.model.ClusterView;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.Lsn;
import io.regent.common.model.Member;
import io.regent.common.model.Role;
import java.util.Comparator;
import java.util.Optional;

/**
 * The rules for an operator's request in the {@code failover} key: a switchover (the leader hands over
 * while alive) or a manual failover to a named member. Pure, like {@link Decider}.
 *
 * <p>The leader checks the candidate, names it in the request if the operator did not, stops with a
 * clean shutdown, publishes where its WAL ended and releases the key. Only the named candidate may then
 * take the key, and only once it has received that WAL; the others wait for it. If the candidate has
 * not taken the key within one {@code ttl} of the key's release, the request no longer holds anyone
 * back and an ordinary election runs. Whoever leads next deletes the request.
 */
final class Handover {

    private static final Comparator<Member> MOST_WAL_FIRST = Comparator
            .comparing((Member m) -> m.lsn().orElse(Lsn.ZERO), Comparator.reverseOrder())
            .thenComparing(Comparator.comparingInt((Member m) -> m.tags().priority()).reversed())
            .thenComparing(Member::name);

    private Handover() {
    }

    /** What the running primary holding the key does about a pending request; empty when there is none to act on. */
    static Optional<Decision> forLeader(ClusterView view, LocalState local, PgProbe pg, HaConfig config) {
        if (view.failover().isEmpty()) {
            return Optional.empty();
        }
        FailoverRequest request = view.failover().get();
        Optional<String> namedLeader = request.leader().filter(leader -> !leader.equals(local.name()));
        if (namedLeader.isPresent()) {
            return Optional.of(new DropRequest("the switchover request names " + namedLeader.get()
                    + " as the leader, but this member leads; dropping it"));
        }
        if (!request.isDue(local.now())) {
            return Optional.empty();
        }
        if (request.candidate().filter(local.name()::equals).isPresent()) {
            return Optional.of(new DropRequest("the request names this member, which already leads; dropping it"));
        }
        Optional<Member> candidate = request.candidate().isPresent()
                ? view.member(request.candidate().get())
                : bestCandidate(view, local.name(), pg.position(), config);
        if (candidate.isEmpty()) {
            return Optional.of(new DropRequest(request.candidate()
                    .map(name -> "cannot hand over to " + name + ": " + refusal(view, name, local.name(), pg.position(), config)
                            .orElse("it is not a member"))
                    .orElse("cannot hand over: no standby is healthy, streaming from this member and within "
                            + "maximum_lag_on_failover") + "; dropping the request"));
        }
        Member chosen = candidate.get();
        Optional<String> refused = refusal(view, chosen.name(), local.name(), pg.position(), config);
        if (refused.isPresent()) {
            return Optional.of(new DropRequest("cannot hand over to " + chosen.name() + ": " + refused.get() + "; dropping the request"));
        }
        Optional<Upstream> address = Upstream.fromConnUrl(chosen.connUrl());
        if (address.isEmpty()) {
            return Optional.of(new DropRequest("cannot hand over to " + chosen.name() + ": its conn_url has no address"));
        }
        return Optional.of(new StepDown(new LeaderTarget(chosen.name(), address.get()), request.candidate().isEmpty(),
                (request.isSwitchover() ? "switchover" : "failover") + " requested: handing the leader key over to "
                        + chosen.name() + " (lsn " + chosen.lsn().map(Lsn::toString).orElse("unknown") + ")"));
    }

    /**
     * Why {@code candidate} cannot take over from {@code leader} now, or empty if it can: it must be a
     * running standby streaming from the leader, not tagged nofailover, and within
     * {@code maximum_lag_on_failover} of the leader's position.
     */
    static Optional<String> refusal(ClusterView view, String candidate, String leader, Lsn leaderPosition, HaConfig config) {
        return view.member(candidate)
                .map(member -> unfit(member, Optional.of(leader), Optional.of(leaderPosition), config))
                .orElse(Optional.of("no member named " + candidate));
    }

    /**
     * Why {@code member} cannot be promoted on request, or empty: tagged nofailover, not a running standby,
     * not streaming from {@code upstream} (when given), or more than {@code maximum_lag_on_failover} behind
     * {@code reference} (when known).
     */
    static Optional<String> unfit(Member member, Optional<String> upstream, Optional<Lsn> reference, HaConfig config) {
        String name = member.name();
        if (member.tags().nofailover()) {
            return Optional.of(name + " is tagged nofailover");
        }
        if (!member.isRunning() || member.role() != Role.REPLICA) {
            return Optional.of(name + " is not a running standby (" + member.role().wire() + ", " + member.state().wire() + ")");
        }
        if (upstream.filter(leader -> !leader.equals(member.upstream())).isPresent()) {
            return Optional.of(name + " does not stream from the leader " + upstream.get());
        }
        long behind = reference.map(ref -> member.lsn().map(ref::bytesAhead).orElse(Long.MAX_VALUE)).orElse(0L);
        if (behind > config.maximumLagOnFailover()) {
            return Optional.of(name + " is " + (behind == Long.MAX_VALUE ? "an unknown number of" : String.valueOf(behind))
                    + " bytes behind the leader, more than maximum_lag_on_failover " + config.maximumLagOnFailover());
        }
        return Optional.empty();
    }

    private static Optional<Member> bestCandidate(ClusterView view, String leader, Lsn leaderPosition, HaConfig config) {
        return view.membersByName().stream()
                .filter(m -> !m.name().equals(leader))
                .filter(m -> refusal(view, m.name(), leader, leaderPosition, config).isEmpty())
                .min(MOST_WAL_FIRST);
    }

    /**
     * With no leader key and a request naming a candidate: the candidate takes the key once it has the
     * old leader's WAL, the others wait for it. Empty when no request holds anyone back (none, not due,
     * no candidate named, the candidate gone, or it has had a whole {@code ttl}).
     */
    static Optional<Decision> withoutLeader(ClusterView view, LocalState local, PgProbe pg, HaConfig config) {
        if (!pg.inRecovery()) {
            return Optional.empty();  // a primary without the key is demoted, whatever was requested
        }
        Optional<FailoverRequest> pending = view.failover().filter(r -> r.isDue(local.now()));
        Optional<String> named = pending.flatMap(FailoverRequest::candidate);
        boolean expired = local.leaderless().map(l -> l.elapsed().compareTo(config.ttlDuration()) >= 0).orElse(false);
        if (named.isEmpty() || expired) {
            return Optional.empty();
        }
        String candidate = named.get();
        String kind = pending.get().isSwitchover() ? "switchover" : "failover";
        if (!candidate.equals(local.name())) {
            boolean candidateRuns = view.member(candidate).map(Member::isRunning).orElse(false);
            return candidateRuns
                    ? Optional.of(new Wait("a " + kind + " to " + candidate + " is in progress; waiting for it to take the leader key"))
                    : Optional.empty();
        }
        if (local.tags().nofailover()) {
            return Optional.empty();
        }
        Optional<Lsn> optime = view.optime();
        if (pending.get().isSwitchover() && optime.isPresent() && !pg.position().isAfter(optime.get())) {
            return Optional.of(new Wait("switchover to this member: waiting to receive the old leader's WAL up to its shutdown"
                    + " checkpoint at " + optime.get() + " (received " + pg.position() + ")"));
        }
        if (optime.isPresent() && optime.get().bytesAhead(pg.position()) > config.maximumLagOnFailover()) {
            return Optional.of(new Wait(kind + " to this member: its position " + pg.position() + " is "
                    + optime.get().bytesAhead(pg.position()) + " bytes behind the last leader position " + optime.get()
                    + ", more than maximum_lag_on_failover " + config.maximumLagOnFailover() + "; not promoting"));
        }
        return Optional.of(new AcquireAndPromote(true, kind + " requested to this member; taking the leader key (lsn "
                + pg.position() + ")"));
    }
}
