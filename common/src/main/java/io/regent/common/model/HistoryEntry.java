package io.regent.common.model;

import java.time.Instant;
import java.util.List;

/**
 * One line of the cluster's timeline history (the {@code history} key), in Patroni's shape:
 * {@code [timeline, switch_lsn, reason, timestamp, new_leader]}, where {@code timeline} is the
 * timeline that ended at {@code switchLsn} when {@code newLeader} was promoted. Regent adds a sixth
 * element when a member gave up WAL of that timeline to follow (a rewind or a re-clone): one sentence
 * per repair, naming the member and the positions discarded. Patroni reads the first five and ignores it.
 */
public record HistoryEntry(int timeline, Lsn switchLsn, String reason, Instant timestamp, String newLeader,
                           List<String> discarded) {

    public HistoryEntry {
        discarded = List.copyOf(discarded);
    }

    public HistoryEntry(int timeline, Lsn switchLsn, String reason, Instant timestamp, String newLeader) {
        this(timeline, switchLsn, reason, timestamp, newLeader, List.of());
    }

    public HistoryEntry withDiscarded(String note) {
        List<String> notes = new java.util.ArrayList<>(discarded);
        notes.add(note);
        return new HistoryEntry(timeline, switchLsn, reason, timestamp, newLeader, notes);
    }
}
