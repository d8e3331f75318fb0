package io.regent.agent.ha;

import io.regent.agent.fence.FenceOrder;
import io.regent.common.model.ClusterView;
import io.regent.common.model.LeaderLock;
import java.time.Duration;
import java.util.Optional;

/**
 * How long this member's PostgreSQL may stay writable, as an order for the fences. Pure: the loop calls
 * it after deciding and before carrying the decision out, so a standby about to promote is armed first.
 *
 * <ul>
 *   <li>Taking the key now, or holding it on the lease just renewed: {@code Arm} with that lease's
 *       remaining time (after a failed renewal it only shrinks: the fence is never extended on credit).</li>
 *   <li>Holding the key on an older lease (the agent restarted; the key is re-attached this cycle):
 *       {@code Hold}, since only that lease's remaining time, unknown here, bounds the primary.</li>
 *   <li>A primary (or a PostgreSQL that may come back as one) while another member holds the key: {@code Hold},
 *       never extended; the decider stops it.</li>
 *   <li>A primary with no leader at all (a bootstrap, or the primary waiting for the key back): {@code Arm}
 *       with its member lease, which the others wait for before they may elect another.</li>
 *   <li>Kept leading by failsafe_mode without etcd: the loop passes, as {@code remaining}, the time the
 *       members that confirmed it hold their elections back, not the lease that etcd can no longer renew.</li>
 *   <li>Anything else: {@code Disarm}.</li>
 * </ul>
 */
final class Fencing {

    private Fencing() {
    }

    /**
     * @param currentLeaseId the member lease this agent renews
     * @param remaining      how long that lease is certainly valid from now (read just before the order is
     *                       sent: the cycle's own calls have used some of it since the keepalive)
     */
    static FenceOrder order(ClusterView view, LocalState local, long currentLeaseId, Duration remaining, Decision decision) {
        Optional<LeaderLock> lock = view.leader();
        boolean holds = lock.map(l -> l.isHeldBy(local.name())).orElse(false);
        boolean onOlderLease = holds && lock.get().leaseId() != currentLeaseId;
        if (decision instanceof Decision.AcquireAndPromote || holds) {
            return onOlderLease ? new FenceOrder.Hold() : new FenceOrder.Arm(remaining);
        }
        boolean mayBeWritable = local.isPrimary() || (local.running() && local.pg().isEmpty());
        if (!mayBeWritable) {
            return new FenceOrder.Disarm();
        }
        return lock.isPresent() || !local.isPrimary() ? new FenceOrder.Hold() : new FenceOrder.Arm(remaining);
    }
}
