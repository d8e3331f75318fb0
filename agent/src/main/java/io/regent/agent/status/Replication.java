package io.regent.agent.status;

import io.regent.common.model.ClusterView;
import io.regent.common.model.Lsn;
import io.regent.common.model.Member;
import java.util.Optional;

/**
 * Replication facts derived from a published {@link ClusterView}, shared by the health checks,
 * {@code /cluster} and the metrics so they all measure lag the same way.
 */
public final class Replication {

    private Replication() {
    }

    /**
     * The cluster's last known leader position: the furthest of the {@code status} key's optime and the
     * leader member's published position (Patroni's {@code cluster.last_lsn}). Empty when neither is known.
     */
    public static Optional<Lsn> leaderPosition(ClusterView view) {
        Optional<Lsn> fromMember = view.leaderMember().flatMap(Member::lsn);
        if (view.optime().isPresent() && fromMember.isPresent()) {
            return Optional.of(Lsn.max(view.optime().get(), fromMember.get()));
        }
        return view.optime().or(() -> fromMember);
    }

    /**
     * Bytes {@code position} is behind the leader position, never negative; empty when either is unknown.
     */
    public static Optional<Long> lagBytes(ClusterView view, Long position) {
        if (position == null) {
            return Optional.empty();
        }
        return leaderPosition(view).map(leader -> Math.max(0, leader.value() - position));
    }

    /**
     * Whether {@code member} is a synchronous standby of the current leader: named in the {@code sync} key
     * that leader wrote (a quorum member counts). This is the one place that answers the question;
     * /sync, /async and /cluster ask it.
     */
    public static boolean isSynchronous(ClusterView view, String member) {
        return view.syncOfLeader().map(sync -> sync.names(member)).orElse(false);
    }
}
