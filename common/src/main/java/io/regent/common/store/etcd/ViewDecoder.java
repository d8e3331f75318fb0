package io.regent.common.store.etcd;

import io.regent.common.config.HaConfig;
import io.regent.common.model.ClusterView;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.HistoryEntry;
import io.regent.common.model.KeyProblem;
import io.regent.common.model.LeaderLock;
import io.regent.common.model.Lsn;
import io.regent.common.model.Member;
import io.regent.common.model.SyncState;
import io.regent.common.store.KeyLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link ClusterView} from the raw keys of one range read. A value that cannot be read is
 * left out of the view and reported as a {@link KeyProblem}; it never fails the whole snapshot.
 */
final class ViewDecoder {

    private final KeyLayout keys;

    ViewDecoder(KeyLayout keys) {
        this.keys = keys;
    }

    ClusterView decode(long revision, List<StoredKey> stored) {
        Optional<String> initialize = Optional.empty();
        Optional<LeaderLock> leader = Optional.empty();
        Optional<HaConfig> config = Optional.empty();
        Optional<Lsn> optime = Optional.empty();
        Optional<String> leaderLocation = Optional.empty();
        List<HistoryEntry> history = List.of();
        Map<String, Member> members = new HashMap<>();
        List<KeyProblem> problems = new ArrayList<>();
        Optional<FailoverRequest> failover = Optional.empty();
        boolean paused = false;
        Optional<SyncState> sync = Optional.empty();
        Optional<Map<String, String>> failsafe = Optional.empty();
        for (StoredKey kv : stored) {
            String key = kv.key();
            try {
                if (key.equals(keys.initialize())) {
                    initialize = Optional.of(kv.value().trim());
                } else if (key.equals(keys.leader())) {
                    String name = kv.value().trim();
                    if (name.isEmpty()) {
                        throw new IllegalArgumentException("empty leader name");
                    }
                    if (kv.leaseId() == 0) {
                        // every agent attaches the key to its lease; one without would never expire
                        throw new IllegalArgumentException("the leader key names " + name + " but has no lease (written by"
                                + " hand?): it would never expire, so it is ignored and the next leader replaces it");
                    }
                    leader = Optional.of(new LeaderLock(name, kv.modRevision(), kv.leaseId()));
                } else if (key.equals(keys.config())) {
                    HaConfig decoded = JsonCodec.decodeConfig(kv.value());
                    paused = JsonCodec.decodePause(kv.value());
                    config = Optional.of(decoded);
                } else if (key.equals(keys.failover())) {
                    failover = Optional.of(JsonCodec.decodeFailover(kv.value()));
                } else if (key.equals(keys.sync())) {
                    sync = Optional.of(JsonCodec.decodeSync(kv.value(), kv.modRevision()));
                } else if (key.equals(keys.failsafe())) {
                    failsafe = Optional.of(JsonCodec.decodeFailsafe(kv.value()));
                } else if (key.equals(keys.history())) {
                    history = JsonCodec.decodeHistory(kv.value());
                } else if (key.equals(keys.status())) {
                    optime = Optional.of(JsonCodec.decodeStatus(kv.value()));
                    leaderLocation = JsonCodec.decodeStatusLocation(kv.value());
                } else {
                    Optional<String> memberName = keys.memberName(key);
                    if (memberName.isPresent()) {
                        members.put(memberName.get(), JsonCodec.decodeMember(memberName.get(), kv.value(), kv.modRevision()));
                    }
                }
            } catch (IllegalArgumentException e) {
                problems.add(new KeyProblem(key, e.getMessage()));
                if (key.equals(keys.sync())) {
                    // promises nothing and names no leader: nobody is promoted on a guess, and the leader
                    // overwrites it (compare-and-swap on this revision)
                    sync = Optional.of(new SyncState("", java.util.Set.of(), 0, kv.modRevision()));
                }
            }
        }
        return new ClusterView(revision, initialize, leader, members, config, optime, leaderLocation, history, problems, failover, paused, sync,
                failsafe);
    }
}
