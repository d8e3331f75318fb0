package io.regent.agent.ha;

import io.regent.common.config.HaConfig;
import io.regent.common.model.ClusterView;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.LeaderLock;
import io.regent.common.model.Lsn;
import io.regent.common.model.Member;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether an operator's switchover or failover request can be accepted now, judged on a cluster view
 * before anything is written: the answer is the reason it cannot (the REST API's 412), or empty. The
 * leader checks again when it acts ({@link Handover}); this is what lets an operator hear "no" at once.
 */
public final class OperatorRequests {

    private OperatorRequests() {
    }

    public static Optional<String> refuseSwitchover(ClusterView view, FailoverRequest request, Instant now, HaConfig config) {
        String named = request.leader().orElseThrow(() -> new IllegalArgumentException("a switchover names the leader"));
        Optional<String> pending = pending(view);
        if (pending.isPresent()) {
            return pending;
        }
        if (view.paused()) {
            return Optional.of("the cluster is paused (maintenance mode); a failover to a named candidate is still possible");
        }
        Optional<String> leader = view.leader().map(LeaderLock::name);
        if (leader.isEmpty()) {
            return Optional.of("there is no leader to switch over from; use a failover to a named candidate");
        }
        if (!leader.get().equals(named)) {
            return Optional.of(named + " is not the leader (the leader is " + leader.get() + ")");
        }
        if (request.scheduledAt().filter(at -> !at.isAfter(now)).isPresent()) {
            return Optional.of("scheduled_at " + request.scheduledAt().get() + " is not in the future");
        }
        Lsn leaderPosition = view.leaderMember().flatMap(Member::lsn).orElse(Lsn.ZERO);
        if (request.candidate().isPresent()) {
            String candidate = request.candidate().get();
            if (candidate.equals(named)) {
                return Optional.of(candidate + " is already the leader");
            }
            return request.scheduledAt().isPresent() && view.member(candidate).isPresent()
                    ? Optional.empty()  // checked again when it is due: it may be catching up now
                    : Handover.refusal(view, candidate, named, leaderPosition, config);
        }
        boolean anyone = view.membersByName().stream()
                .anyMatch(m -> !m.name().equals(named) && Handover.refusal(view, m.name(), named, leaderPosition, config).isEmpty());
        return anyone || request.scheduledAt().isPresent() ? Optional.empty()
                : Optional.of("no standby is healthy, streaming from " + named + " and within maximum_lag_on_failover");
    }

    public static Optional<String> refuseFailover(ClusterView view, String candidate, HaConfig config) {
        Optional<String> pending = pending(view);
        if (pending.isPresent()) {
            return pending;
        }
        Optional<Member> found = view.member(candidate);
        if (found.isEmpty()) {
            return Optional.of("no member named " + candidate);
        }
        if (view.leader().filter(l -> l.isHeldBy(candidate)).isPresent()) {
            return Optional.of(candidate + " is already the leader");
        }
        Optional<Lsn> reference = view.leaderMember().flatMap(Member::lsn).or(view::optime);
        return Handover.unfit(found.get(), Optional.empty(), reference, config);
    }

    private static Optional<String> pending(ClusterView view) {
        return view.failover().map(request -> "a " + (request.isSwitchover() ? "switchover" : "failover") + " is already "
                + (request.scheduledAt().isPresent() ? "scheduled for " + request.scheduledAt().get() : "in progress")
                + request.candidate().map(c -> " (to " + c + ")").orElse(""));
    }
}
