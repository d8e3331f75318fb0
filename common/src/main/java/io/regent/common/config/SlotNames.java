package io.regent.common.config;

import java.util.Locale;

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

    private static boolean allowed(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }
}
