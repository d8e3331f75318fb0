package io.regent.agent.ha;

import io.regent.agent.postgres.ReplicationSlot;
import io.regent.common.config.HaConfig;
import io.regent.common.config.SlotNames;
import io.regent.common.model.ClusterView;
import io.regent.common.model.Member;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which physical replication slots this member should have: the leader keeps one per other member
 * (named by {@link SlotNames#forMember}) and the permanent ones of the dynamic config; a member that left
 * keeps its slot for {@code member_slots_ttl}, so it can return without a re-clone. A standby keeps no
 * slot that holds WAL back (an old primary's slots would otherwise fill its disk).
 *
 * <p>No I/O: it remembers when each slot was last wanted, and is told the time.
 */
final class SlotKeeper {

    /** What to change: create these, drop those. */
    record SlotPlan(Set<String> create, Set<String> drop) {

        boolean isEmpty() {
            return create.isEmpty() && drop.isEmpty();
        }
    }

    private final String self;
    private final Map<String, Instant> lastWanted = new HashMap<>();

    SlotKeeper(String self) {
        this.self = self;
    }

    /** The leader's (or the promotion candidate's) slots: one per other member, departed ones within their grace. */
    SlotPlan forLeader(ClusterView view, HaConfig config, List<ReplicationSlot> existing, Instant now) {
        for (Member member : view.members().values()) {
            if (!member.name().equals(self)) {
                lastWanted.put(SlotNames.forMember(member.name()), now);
            }
        }
        // a slot found on this server (say after an agent restart) gets its grace from now, not zero
        existing.forEach(slot -> lastWanted.putIfAbsent(slot.name(), now));
        Duration grace = config.memberSlotsTtlDuration();
        lastWanted.values().removeIf(at -> Duration.between(at, now).compareTo(grace) > 0);
        lastWanted.remove(SlotNames.forMember(self));
        Set<String> wanted = new TreeSet<>(lastWanted.keySet());
        wanted.addAll(config.slots().keySet());
        Set<String> have = new TreeSet<>();
        existing.forEach(slot -> have.add(slot.name()));
        Set<String> create = new TreeSet<>(wanted);
        create.removeAll(have);
        Set<String> drop = new TreeSet<>();
        existing.stream().filter(slot -> !wanted.contains(slot.name()) && !slot.active()).forEach(slot -> drop.add(slot.name()));
        return new SlotPlan(create, drop);
    }

    /** A standby's slots: none that hold WAL back unused. */
    SlotPlan forStandby(List<ReplicationSlot> existing) {
        Set<String> drop = new TreeSet<>();
        existing.stream().filter(slot -> slot.retainsWal() && !slot.active()).forEach(slot -> drop.add(slot.name()));
        return new SlotPlan(Set.of(), drop);
    }
}
