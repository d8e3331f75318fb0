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
    /** Member slots by name: when their member was last in the cluster. */
    private final Map<String, Instant> memberLastSeen = new HashMap<>();
    /** Other slots found on this server (say after an agent restart): when first seen, for their grace. */
    private final Map<String, Instant> foundSince = new HashMap<>();

    SlotKeeper(String self) {
        this.self = self;
    }

    /** The leader's (or the promotion candidate's) slots: one per other member, departed ones within their grace. */
    SlotPlan forLeader(ClusterView view, HaConfig config, List<ReplicationSlot> existing, Instant now) {
        Set<String> present = new TreeSet<>();
        for (Member member : view.members().values()) {
            if (!member.name().equals(self)) {
                present.add(SlotNames.forMember(member.name()));
                memberLastSeen.put(SlotNames.forMember(member.name()), now);
            }
        }
        existing.forEach(slot -> foundSince.putIfAbsent(slot.name(), now));
        foundSince.keySet().retainAll(existing.stream().map(ReplicationSlot::name).toList());
        Duration grace = config.memberSlotsTtlDuration();
        memberLastSeen.values().removeIf(at -> Duration.between(at, now).compareTo(grace) > 0);
        Set<String> wanted = new TreeSet<>(present);
        wanted.addAll(config.slots().keySet());
        wanted.remove(SlotNames.forMember(self));
        Set<String> kept = new TreeSet<>(wanted);
        kept.addAll(memberLastSeen.keySet());
        foundSince.forEach((name, since) -> {
            if (Duration.between(since, now).compareTo(grace) <= 0) {
                kept.add(name);
            }
        });
        kept.remove(SlotNames.forMember(self));
        Set<String> create = new TreeSet<>(wanted);
        existing.forEach(slot -> create.remove(slot.name()));
        Set<String> drop = new TreeSet<>();
        existing.stream().filter(slot -> !kept.contains(slot.name()) && !slot.active()).forEach(slot -> drop.add(slot.name()));
        return new SlotPlan(create, drop);
    }

    /** A standby's slots: none that hold WAL back unused. */
    SlotPlan forStandby(List<ReplicationSlot> existing) {
        Set<String> drop = new TreeSet<>();
        existing.stream().filter(slot -> slot.retainsWal() && !slot.active()).forEach(slot -> drop.add(slot.name()));
        return new SlotPlan(Set.of(), drop);
    }
}
