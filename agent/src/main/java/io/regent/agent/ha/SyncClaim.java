package io.regent.agent.ha;

import io.regent.common.config.SynchronousMode;
import io.regent.common.model.SyncState;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * "Every commit the leader acknowledged is on at least {@code quorum} of {@code standbys}": what
 * {@code synchronous_standby_names} enforces for new commits, and what the {@code sync} key promises the
 * other members. In {@code on}/{@code strict} mode the quorum is every named standby; in {@code quorum}
 * mode it is the k of {@code ANY k (...)}. The empty claim promises nothing.
 */
record SyncClaim(Set<String> standbys, int quorum) {

    static final SyncClaim NONE = new SyncClaim(Set.of(), 0);

    SyncClaim {
        standbys = Set.copyOf(standbys);
        if (quorum <= 0 || standbys.isEmpty()) {
            standbys = Set.of();
            quorum = 0;
        }
        if (quorum > standbys.size()) {
            throw new IllegalArgumentException("quorum " + quorum + " exceeds the " + standbys.size() + " standbys");
        }
    }

    /** The claim the {@code sync} key makes; quorum 0 there means every named standby. */
    static SyncClaim of(SyncState sync) {
        return new SyncClaim(sync.standbys(), sync.quorum() > 0 ? sync.quorum() : sync.standbys().size());
    }

    /** What {@code leader}'s own {@code sync} key promises; a key another leader wrote promises it nothing. */
    static SyncClaim promisedBy(String leader, io.regent.common.model.ClusterView view) {
        return view.sync().filter(state -> state.leader().equals(leader)).map(SyncClaim::of).orElse(NONE);
    }

    boolean isEmpty() {
        return standbys.isEmpty();
    }

    /**
     * Whether every set of commits satisfying this claim satisfies {@code other}: a commit on some
     * {@code quorum} of these standbys is, at worst, on {@code quorum - |standbys \ other.standbys|} of
     * the other's.
     */
    boolean implies(SyncClaim other) {
        return quorum - minus(standbys, other.standbys).size() >= other.quorum;
    }

    /** The strongest claim both this and {@code other} imply: a safe stop between them. */
    SyncClaim common(SyncClaim other) {
        Set<String> both = new HashSet<>(standbys);
        both.retainAll(other.standbys);
        int q = Math.min(quorum - minus(standbys, other.standbys).size(), other.quorum - minus(other.standbys, standbys).size());
        return new SyncClaim(both, Math.max(0, q));
    }

    /**
     * How many of the named standbys an election must see to be sure one of them has every acknowledged
     * commit: any {@code quorum} of them acknowledged it, so it is missing on at most {@code size - quorum}.
     */
    int electorsNeeded() {
        return standbys.size() - quorum + 1;
    }

    List<String> byName() {
        return List.copyOf(new TreeSet<>(standbys));
    }

    /**
     * The {@code synchronous_standby_names} that enforces this claim. With nobody to name, {@code strict}
     * still makes commits wait ({@code '*'}: any standby that connects may acknowledge); the other modes
     * run asynchronously.
     */
    String standbyNames(SynchronousMode mode) {
        if (isEmpty()) {
            return mode == SynchronousMode.STRICT ? "*" : "";
        }
        List<String> quoted = byName().stream().map(SyncClaim::identifier).toList();
        String method = mode == SynchronousMode.QUORUM ? "ANY " : "FIRST ";
        return method + quorum + " (" + String.join(", ", quoted) + ")";
    }

    SyncState toState(String leader, SynchronousMode mode) {
        return SyncState.of(leader, standbys, mode == SynchronousMode.QUORUM ? quorum : 0);
    }

    @Override
    public String toString() {
        return isEmpty() ? "no synchronous standby" : quorum + " of " + byName();
    }

    private static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> rest = new HashSet<>(a);
        rest.removeAll(b);
        return rest;
    }
}
