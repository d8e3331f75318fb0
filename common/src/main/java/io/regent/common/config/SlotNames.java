package io.regent.common.config;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** Replication slot names: PostgreSQL allows lower-case letters, digits and underscores, at most 63 bytes. */
public final class SlotNames {

    private static final int MAX_LENGTH = 63;

    private SlotNames() {
    }

    public static boolean isValid(String name) {
        return name != null && !name.isEmpty() && name.length() <= MAX_LENGTH && name.chars().allMatch(SlotNames::allowed);
    }

    /** The slot a member streams through: its name lower-cased, anything else than [a-z0-9_] turned into _. */
    public static String forMember(String member) {
        StringBuilder slot = new StringBuilder();
        for (char c : member.toLowerCase(Locale.ROOT).toCharArray()) {
            slot.append(allowed(c) ? c : '_');
        }
        return slot.length() > MAX_LENGTH ? slot.substring(0, MAX_LENGTH) : slot.toString();
    }

    /**
     * Members whose names sanitize to the same slot name ({@code node-1} and {@code node_1}): by slot name,
     * the members claiming it, sorted; only slot names claimed more than once.
     */
    public static Map<String, List<String>> collisions(Collection<String> members) {
        Map<String, TreeSet<String>> claims = new TreeMap<>();
        for (String member : members) {
            claims.computeIfAbsent(forMember(member), slot -> new TreeSet<>()).add(member);
        }
        Map<String, List<String>> shared = new TreeMap<>();
        claims.forEach((slot, claimants) -> {
            if (claimants.size() > 1) {
                shared.put(slot, List.copyOf(claimants));
            }
        });
        return shared;
    }

    /**
     * Why {@code member} may not join a cluster whose members are {@code others} and whose permanent slots
     * are {@code permanentSlots}: another member, or a permanent slot, already uses its slot name. Empty
     * when it may.
     */
    public static Optional<String> conflictOf(String member, Collection<String> others, Collection<String> permanentSlots) {
        String slot = forMember(member);
        Optional<String> rival = others.stream().filter(other -> !other.equals(member))
                .filter(other -> forMember(other).equals(slot)).sorted().findFirst();
        if (rival.isPresent()) {
            return Optional.of("member name '" + member + "' and the existing member '" + rival.get()
                    + "' both map to replication slot '" + slot + "'; they would share one slot (one standby's WAL"
                    + " unprotected, the other unable to stream): give this member another name");
        }
        if (permanentSlots.contains(slot)) {
            return Optional.of("member name '" + member + "' maps to replication slot '" + slot
                    + "', which is a permanent slot of the dynamic config (slots): give this member another name");
        }
        return Optional.empty();
    }

    private static boolean allowed(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }
}
