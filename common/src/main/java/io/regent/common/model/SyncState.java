package io.regent.common.model;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code sync} key: which standbys the leader has made synchronous, so that the others know who
 * may be promoted without losing an acknowledged commit (Patroni's {@code {"leader", "sync_standby",
 * "quorum"}}).
 *
 * @param leader      the leader that wrote it; a state written by another leader says nothing about the current one
 * @param standbys    the members named in {@code synchronous_standby_names}
 * @param quorum      in quorum mode, the k of {@code ANY k (...)}; 0 otherwise (every named standby acknowledges)
 * @param modRevision the key's etcd revision, for compare-and-swap updates; 0 when not read from etcd
 */
public record SyncState(String leader, Set<String> standbys, int quorum, long modRevision) {

    public SyncState {
        standbys = Set.copyOf(new TreeSet<>(standbys));
        if (quorum < 0) {
            throw new IllegalArgumentException("quorum must be >= 0 (got " + quorum + ")");
        }
    }

    public static SyncState of(String leader, Set<String> standbys, int quorum) {
        return new SyncState(leader, standbys, quorum, 0);
    }

    public boolean names(String member) {
        return standbys.contains(member);
    }

    /** The same leader, standbys and quorum, whatever the revisions. */
    public boolean sameAs(SyncState other) {
        return leader.equals(other.leader) && standbys.equals(other.standbys) && quorum == other.quorum;
    }

    public List<String> standbysByName() {
        return List.copyOf(new TreeSet<>(standbys));
    }
}
