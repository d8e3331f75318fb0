package io.regent.controller.render;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows as ordered field maps for the machine-readable formats: the table's columns plus
 * {@code scope}, under snake_case names; {@code upstream} is whom the member should follow (the leader) and
 * {@code streams_from} whom it published it streams from (null when not streaming). Every field is always present; a value that does not apply
 * (the leader's upstream and lag, a timeline not yet published) is null. {@code lsn_lag} is the
 * table's text, {@code lsn_lag_bytes} the same lag as a number for scripts.
 */
final class StructuredRows {

    private StructuredRows() {
    }

    static List<Map<String, Object>> of(MemberListing listing) {
        return listing.rows().stream().map(row -> fields(listing.scope(), row)).toList();
    }

    private static Map<String, Object> fields(String scope, MemberRow row) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("scope", scope);
        fields.put("id", row.id());
        fields.put("name", row.name());
        fields.put("role", row.role());
        fields.put("status", row.status());
        fields.put("upstream", row.upstream().isEmpty() ? null : row.upstream());
        fields.put("streams_from", row.streamsFrom().isEmpty() ? null : row.streamsFrom());
        fields.put("location", row.location());
        fields.put("priority", row.priority());
        fields.put("timeline", row.timeline());
        fields.put("lsn_lag", row.lag().kind() == LsnLag.Kind.LEADER ? null : row.lag().text());
        fields.put("lsn_lag_bytes", row.lag().knownBytes().orElse(null));
        fields.put("connection_string", row.connectionString());
        return fields;
    }
}
