package io.regent.controller.render;

import java.util.Objects;

/**
 * One line of {@code regentctl list}: the columns
 * {@code ID | Name | Role | Status | Upstream | Location | Priority | Timeline | LSN_Lag | Connection string}.
 *
 * @param id               1-based position in name order
 * @param role             {@code primary} for the leader-key holder, {@code primary (no lock)} for a member
 *                         that says it is primary without holding the key, else the published role
 * @param upstream         the member this one should stream from: the leader (when there is one), else what
 *                         it published; empty for the leader itself
 * @param streamsFrom      the member (or address) it published it actually streams from; empty when not streaming
 * @param timeline         null when the member has not published one
 * @param connectionString {@code conn_url} with any password masked
 */
public record MemberRow(
        int id,
        String name,
        String role,
        String status,
        String upstream,
        String streamsFrom,
        String location,
        int priority,
        Integer timeline,
        LsnLag lag,
        String connectionString) {

    public MemberRow {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(lag, "lag");
        upstream = upstream == null ? "" : upstream;
        streamsFrom = streamsFrom == null ? "" : streamsFrom;
        location = location == null ? "" : location;
        connectionString = connectionString == null ? "" : connectionString;
    }

    /**
     * The Upstream column: the upstream alone when desired and actual agree, else both, e.g.
     * {@code node1 (streams from node3)} or {@code node1 (not streaming)}.
     */
    public String upstreamText() {
        if (upstream.isEmpty() || upstream.equals(streamsFrom)) {
            return upstream;
        }
        return upstream + (streamsFrom.isEmpty() ? " (not streaming)" : " (streams from " + streamsFrom + ")");
    }
}
