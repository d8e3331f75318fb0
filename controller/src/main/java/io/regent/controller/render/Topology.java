package io.regent.controller.render;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code regentctl topology}: the listing's rows in tree order by who actually streams from whom, each
 * name indented under its upstream ({@code + node2}), as {@code patronictl topology} shows it. The leader
 * comes first; members that stream from no member (stopped, not streaming, or from an address that is
 * no member) are roots after it.
 */
public final class Topology {

    private Topology() {
    }

    public static MemberListing of(MemberListing listing) {
        List<MemberRow> ordered = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        Set<String> names = new HashSet<>();
        listing.rows().forEach(row -> names.add(row.name()));
        List<MemberRow> roots = new ArrayList<>();
        listing.rows().stream().filter(row -> row.role().equals(MemberListing.ROLE_PRIMARY)).forEach(roots::add);
        listing.rows().stream()
                .filter(row -> !roots.contains(row))
                .filter(row -> row.streamsFrom().isEmpty() || !names.contains(row.streamsFrom())
                        || row.streamsFrom().equals(row.name()))
                .forEach(roots::add);
        for (MemberRow root : roots) {
            place(listing, root, 0, ordered, placed);
        }
        // members in a streaming cycle (possible only in a corrupt snapshot): shown rather than lost
        listing.rows().stream().filter(row -> !placed.contains(row.name())).forEach(row -> place(listing, row, 0, ordered, placed));
        return new MemberListing(listing.scope(), listing.initialization(), listing.systemIdentifier(), ordered,
                listing.footer(), listing.warnings());
    }

    private static void place(MemberListing listing, MemberRow row, int depth, List<MemberRow> ordered, Set<String> placed) {
        if (!placed.add(row.name())) {
            return;
        }
        String name = depth == 0 ? row.name() : "  ".repeat(depth - 1) + "+ " + row.name();
        ordered.add(new MemberRow(row.id(), name, row.role(), row.status(), row.upstream(), row.streamsFrom(),
                row.location(), row.priority(), row.timeline(), row.lag(), row.connectionString()));
        for (MemberRow child : listing.rows()) {
            if (child.streamsFrom().equals(row.name()) && !child.name().equals(row.name())) {
                place(listing, child, depth + 1, ordered, placed);
            }
        }
    }
}
