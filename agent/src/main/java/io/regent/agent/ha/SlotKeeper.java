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
import java.util.TreeMap;
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

    /**
     * What to change: create these, drop those. {@code problems} are slot-name collisions the plan had to
     * settle (one sentence each, for the log): a slot is never handed to two members.
     */
    record SlotPlan(Set<String> create, Set<String> drop, Set<String> problems) {

        SlotPlan(Set<String> create, Set<String> drop) {
            this(create, drop, Set.of());
        }

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
        List<String> names = view.members().values().stream().map(Member::name).toList();
        Map<String, String> owners = owners(names);
        owners.keySet().forEach(slot -> memberLastSeen.put(slot, now));
        existing.forEach(slot -> foundSince.putIfAbsent(slot.name(), now));
        foundSince.keySet().retainAll(existing.stream().map(ReplicationSlot::name).toList());
        Duration grace = config.memberSlotsTtlDuration();
        memberLastSeen.values().removeIf(at -> Duration.between(at, now).compareTo(grace) > 0);
        Set<String> wanted = new TreeSet<>(owners.keySet());
        wanted.addAll(config.slots().keySet());
        Set<String> kept = new TreeSet<>(wanted);
        kept.addAll(memberLastSeen.keySet());
        foundSince.forEach((name, since) -> {
            if (Duration.between(since, now).compareTo(grace) <= 0) {
                kept.add(name);
            }
        });
        String own = SlotNames.forMember(self);
        if (!owners.containsKey(own) && !config.slots().containsKey(own)) {
            kept.remove(own);
            wanted.remove(own);
        }
        Set<String> create = new TreeSet<>(wanted);
        existing.forEach(slot -> create.remove(slot.name()));
        Set<String> drop = new TreeSet<>();
        existing.stream().filter(slot -> !kept.contains(slot.name()) && !slot.active()).forEach(slot -> drop.add(slot.name()));
        return new SlotPlan(create, drop, problems(names, owners, config));
    }

    /**
     * Which member streams through each member slot: the only other member with that slot name, or,
     * when names collide, the first of them by name (every leader picks the same one). Never this member:
     * a leader streams from nobody.
     */
    private Map<String, String> owners(List<String> names) {
        Map<String, String> owners = new TreeMap<>();
        names.stream().filter(name -> !name.equals(self)).sorted()
                .forEach(name -> owners.putIfAbsent(SlotNames.forMember(name), name));
        return owners;
    }

    private static Set<String> problems(List<String> names, Map<String, String> owners, HaConfig config) {
        Set<String> problems = new TreeSet<>();
        SlotNames.collisions(names).forEach((slot, claimants) -> problems.add("members " + String.join(", ", claimants)
                + " map to the same replication slot " + slot + ": it is kept for " + owners.getOrDefault(slot, "nobody")
                + " only, and no other member can stream through it; rename all of them but one"));
        owners.forEach((slot, member) -> {
            if (config.slots().containsKey(slot)) {
                problems.add("the permanent slot " + slot + " of the dynamic config is also the replication slot of member "
                        + member + ": both would move it; rename the member or the permanent slot");
            }
        });
        return problems;
    }

    /**
     * A standby's slots: none unused, except a permanent one of the dynamic config that holds no WAL. An old
     * primary's slots hold WAL back; one it created just before it died may come back from crash recovery
     * unreserved (its reservation never reached a checkpoint): it holds nothing, but it is an orphan all
     * the same, and nobody streams through a standby's slot but a cascading standby (then it is active).
     */
    SlotPlan forStandby(List<ReplicationSlot> existing, HaConfig config) {
        Set<String> drop = new TreeSet<>();
        existing.stream().filter(slot -> !slot.active())
                .filter(slot -> slot.retainsWal() || !config.slots().containsKey(slot.name()))
                .forEach(slot -> drop.add(slot.name()));
        return new SlotPlan(Set.of(), drop);
    }
}
