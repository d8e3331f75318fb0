package io.regent.agent.ha;

import io.regent.common.config.HaConfig;
import io.regent.common.model.ClusterView;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.HistoryEntry;
import io.regent.common.model.LeaderLock;
import io.regent.common.model.Lsn;
import io.regent.common.model.Member;
import io.regent.common.store.ClusterStore;
import io.regent.common.store.etcd.JsonCodec;
import io.regent.common.store.LeaseStatus;
import io.regent.common.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link ClusterStore} that records every write into a {@link CallLog} and answers as told: ownership
 * writes succeed unless {@link #refuse refused}, and any verb can be made to {@link #fail} with
 * {@link StoreUnavailableException}, as the etcd adapter does when etcd does not answer.
 */
final class RecordingClusterStore implements ClusterStore {

    private final CallLog log;
    private final Set<String> refused = new HashSet<>();
    private final Set<String> failing = new HashSet<>();
    private final List<HistoryEntry> history = new ArrayList<>();

    RecordingClusterStore(CallLog log) {
        this.log = log;
    }

    /** Makes the ownership write {@code verb} answer {@code false} (somebody else got there first). */
    RecordingClusterStore refuse(String verb) {
        refused.add(verb);
        return this;
    }

    /** Makes {@code verb} throw {@link StoreUnavailableException}. */
    RecordingClusterStore fail(String verb) {
        failing.add(verb);
        return this;
    }

    private boolean record(String verb, String call) {
        log.add(call);
        if (failing.contains(verb)) {
            throw new StoreUnavailableException("etcd did not answer " + verb + " (test)", null);
        }
        return !refused.contains(verb);
    }

    @Override
    public ClusterView load() {
        throw new UnsupportedOperationException("the executor never reads the store; the loop hands it the view");
    }

    @Override
    public LeaseStatus keepAlive() {
        throw new UnsupportedOperationException("the loop, not the executor, keeps the lease alive");
    }

    @Override
    public boolean claimInitialize() {
        return record("claimInitialize", "store.claimInitialize");
    }

    @Override
    public void completeInitialize(String systemIdentifier) {
        record("completeInitialize", "store.completeInitialize " + systemIdentifier);
    }

    @Override
    public void cancelInitialize() {
        record("cancelInitialize", "store.cancelInitialize");
    }

    @Override
    public boolean acquireLeader() {
        return record("acquireLeader", "store.acquireLeader");
    }

    @Override
    public boolean renewLeader(LeaderLock lock) {
        return record("renewLeader", "store.renewLeader " + lock.name());
    }

    @Override
    public boolean releaseLeader() {
        return record("releaseLeader", "store.releaseLeader");
    }

    @Override
    public void publishMember(Member member) {
        record("publishMember", "store.publishMember " + member.name());
    }

    @Override
    public boolean publishStatus(Lsn optime, String location) {
        return record("publishStatus", "store.publishStatus " + optime);
    }

    /**
     * Logged as Patroni's history line, {@code store.appendHistory [timeline, switch_lsn, reason, timestamp, new_leader]};
     * kept in {@link #history()} only when the append succeeds.
     */
    @Override
    public boolean recordDiscard(int timeline, String note) {
        record("recordDiscard", "store.recordDiscard timeline " + timeline + ": " + note);
        synchronized (history) {
            for (int i = history.size() - 1; i >= 0; i--) {
                if (history.get(i).timeline() == timeline) {
                    history.set(i, history.get(i).withDiscarded(note));
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void appendHistory(HistoryEntry entry) {
        record("appendHistory", "store.appendHistory [" + entry.timeline() + ", " + entry.switchLsn() + ", " + entry.reason()
                + ", " + entry.timestamp() + ", " + entry.newLeader() + "]");
        synchronized (history) {
            history.add(entry);
        }
    }

    /** The entries appended so far. */
    List<HistoryEntry> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    @Override
    public void requestFailover(FailoverRequest request) {
        record("requestFailover", "store.requestFailover " + JsonCodec.encodeFailover(request));
    }

    @Override
    public boolean writeSync(io.regent.common.model.SyncState sync, long expectedModRevision) {
        return record("writeSync", "store.writeSync " + JsonCodec.encodeSync(sync) + " if at " + expectedModRevision);
    }

    @Override
    public boolean writeFailsafe(java.util.Optional<java.util.Map<String, String>> members) {
        return record("writeFailsafe", "store.writeFailsafe " + members.map(m -> String.join(",", new java.util.TreeSet<>(m.keySet())))
                .orElse("delete"));
    }

    @Override
    public void clearFailover() {
        record("clearFailover", "store.clearFailover");
    }

    @Override
    public boolean seedConfig(HaConfig config) {
        return record("seedConfig", "store.seedConfig ttl=" + config.ttl());
    }

    @Override
    public AutoCloseable watch(java.util.function.Consumer<Change> onChange) {
        throw new UnsupportedOperationException("the loop, not the executor, watches the store");
    }

    @Override
    public void close() {
    }
}
