package io.regent.common.model;

import io.regent.common.config.HaConfig;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What etcd says about the cluster, read in one range request at {@code revision}. Immutable: the
 * decider can neither change it nor see it change.
 *
 * @param initialize the system identifier once the cluster is bootstrapped; the empty string while a
 *                   member is bootstrapping it; absent on a cluster never initialized
 * @param optime     the last WAL position the leader published in {@code status}
 * @param leaderLocation the {@code location} tag of the leader that last published {@code status}: the
 *                   same for every agent, so an election can prefer the former leader's location
 * @param history    the timeline switches recorded in {@code history}, oldest first
 * @param problems   keys that were present but unreadable, ignored in this view
 * @param failover   an operator's switchover or failover request, if one is pending
 * @param paused     maintenance mode ({@code "pause": true} in {@code config}): agents publish their state
 *                   but take no automatic action
 * @param failsafe   the {@code failsafe} key: member name → REST API URL, the members a leader must reach to
 *                   stay primary while etcd is unreachable ({@code failsafe_mode}); absent when never written
 */
public record ClusterView(
        long revision,
        Optional<String> initialize,
        Optional<LeaderLock> leader,
        Map<String, Member> members,
        Optional<HaConfig> config,
        Optional<Lsn> optime,
        Optional<String> leaderLocation,
        List<HistoryEntry> history,
        List<KeyProblem> problems,
        Optional<FailoverRequest> failover,
        boolean paused,
        Optional<SyncState> sync,
        Optional<Map<String, String>> failsafe) {

    public ClusterView {
        failsafe = failsafe.map(Map::copyOf);
        members = Map.copyOf(members);
        history = List.copyOf(history);
        problems = List.copyOf(problems);
    }

    /** A view without a {@code failsafe} key. */
    public ClusterView(long revision, Optional<String> initialize, Optional<LeaderLock> leader, Map<String, Member> members,
                       Optional<HaConfig> config, Optional<Lsn> optime, Optional<String> leaderLocation,
                       List<HistoryEntry> history, List<KeyProblem> problems, Optional<FailoverRequest> failover,
                       boolean paused, Optional<SyncState> sync) {
        this(revision, initialize, leader, members, config, optime, leaderLocation, history, problems, failover, paused, sync,
                Optional.empty());
    }

    /** The same view with the given {@code failsafe} key. */
    public ClusterView withFailsafe(Optional<Map<String, String>> failsafe) {
        return new ClusterView(revision, initialize, leader, members, config, optime, leaderLocation, history, problems,
                failover, paused, sync, failsafe);
    }

    public static ClusterView empty(long revision) {
        return new ClusterView(revision, Optional.empty(), Optional.empty(), Map.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(), List.of(), Optional.empty(), false, Optional.empty());
    }

    /** Where {@code timeline} ended, if the history records it. */
    public Optional<Lsn> switchPointOf(int timeline) {
        return history.stream().filter(entry -> entry.timeline() == timeline).map(HistoryEntry::switchLsn).findFirst();
    }

    public boolean isInitialized() {
        return initialize.filter(sysid -> !sysid.isEmpty()).isPresent();
    }

    public boolean isBeingInitialized() {
        return initialize.filter(String::isEmpty).isPresent();
    }

    public Optional<Member> member(String name) {
        return Optional.ofNullable(members.get(name));
    }

    public Optional<Member> leaderMember() {
        return leader.flatMap(lock -> member(lock.name()));
    }

    /** The sync state if the current leader wrote it; one left by a former leader names nobody now. */
    public Optional<SyncState> syncOfLeader() {
        return sync.filter(state -> leader.map(LeaderLock::name).filter(state.leader()::equals).isPresent());
    }

    public boolean hasLeader() {
        return leader.isPresent();
    }

    public List<Member> membersByName() {
        return members.values().stream().sorted(Comparator.comparing(Member::name)).toList();
    }
}
