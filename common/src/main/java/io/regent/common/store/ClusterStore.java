package io.regent.common.store;

import io.regent.common.config.HaConfig;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.SyncState;
import io.regent.common.model.HistoryEntry;
import io.regent.common.model.LeaderLock;
import io.regent.common.model.Lsn;
import io.regent.common.model.Member;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One member's view of the distributed store: the reads and the few ownership writes the HA loop
 * needs. Every ownership write is a transaction: it either happens as intended or reports that it
 * did not ({@code false}); it never overwrites somebody else's claim.
 *
 * <p>Each member holds one lease with TTL {@code ttl}; its member key and, while it leads, the
 * leader key are attached to it. If the agent stops calling {@link #keepAlive()}, both disappear
 * after at most {@code ttl}.
 */
public interface ClusterStore extends ClusterReader {

    /** Refreshes this member's lease (granting one if it has none, or if the old one expired). */
    LeaseStatus keepAlive();

    /** Claims the right to bootstrap a new cluster: creates {@code initialize} only if absent. */
    boolean claimInitialize();

    /** Records the bootstrapped cluster's system identifier in {@code initialize}. */
    void completeInitialize(String systemIdentifier);

    /** Gives up a claim whose bootstrap failed, so another member may try. */
    void cancelInitialize();

    /** Creates the leader key with this member's name, attached to its lease, only if absent. */
    boolean acquireLeader();

    /**
     * Keeps the leader key this member holds attached to its current lease (after a lease regrant
     * or an agent restart). Returns false if the key no longer names this member.
     */
    boolean renewLeader(LeaderLock lock);

    /** Deletes the leader key only if it still names this member. */
    boolean releaseLeader();

    /** Writes {@code members/<name>} under this member's lease. */
    void publishMember(Member member);

    /**
     * Writes the leader's last WAL position and its location tag to {@code status}, only while the leader key
     * names this member: an agent resuming from a pause after another leader took over must not put its stale
     * position over the new leader's.
     *
     * @return {@code false} when the key names another member (or none) and nothing was written
     */
    boolean publishStatus(Lsn optime, String location);

    /**
     * Appends one entry to {@code history} (read, append, compare-and-swap on the key's revision,
     * retried on conflict), so concurrent writers never lose each other's lines.
     */
    void appendHistory(HistoryEntry entry);

    /**
     * Adds {@code note} (WAL a member gave up to follow: who, which positions, how) to the history entry of
     * the switch that ended {@code timeline}, by compare-and-swap.
     *
     * @return false when the history has no entry for that timeline
     */
    boolean recordDiscard(int timeline, String note);

    /** Writes {@code failover}: the leader names the candidate it hands over to, so the others wait for it. */
    void requestFailover(FailoverRequest request);

    /**
     * Writes {@code sync} if it is still at {@code expectedModRevision} (0: absent), so that two leaders'
     * writes never interleave; {@code false} when another write came first.
     */
    boolean writeSync(SyncState sync, long expectedModRevision);

    /**
     * Writes {@code failsafe} (member name → REST API URL), or deletes it when empty, only while this member
     * holds the leader key; {@code false} when it does not.
     */
    boolean writeFailsafe(Optional<Map<String, String>> members);

    /** Deletes {@code failover}: the request was carried out, or cannot be. */
    void clearFailover();

    /** Writes the dynamic configuration only if the key is absent (the bootstrapping member seeds it). */
    boolean seedConfig(HaConfig config);

    /**
     * Calls {@code onChange} whenever another writer changes anything under the cluster prefix (this
     * member's own member-key writes are not reported). The callback runs on an etcd client thread and
     * may be late or repeated: it must only wake the loop, never act.
     */
    AutoCloseable watch(Consumer<Change> onChange);

    /**
     * What one watch notification touched: the member keys by member name, and whether any other
     * cluster key (leader, config, initialize, status, failover…) changed.
     */
    record Change(Set<String> members, boolean clusterKeys) {

        public Change {
            members = Set.copyOf(members);
        }
    }
}
