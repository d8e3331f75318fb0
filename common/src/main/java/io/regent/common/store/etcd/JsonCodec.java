package io.regent.common.store.etcd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regent.common.config.HaConfig;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.HistoryEntry;
import io.regent.common.model.Lsn;
import io.regent.common.model.Member;
import io.regent.common.model.PgState;
import io.regent.common.model.Role;
import io.regent.common.model.SyncState;
import io.regent.common.model.Tags;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON values stored in etcd, in Patroni's field names ({@code conn_url}, {@code xlog_location},
 * {@code loop_wait}…). Decoding is lenient about extra fields (other tools add their own) and strict
 * about the fields Regent relies on: a value that cannot be trusted is rejected with a reason.
 */
public final class JsonCodec {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private JsonCodec() {
    }

    public static ObjectMapper mapper() {
        return JSON;
    }

    public static String encodeMember(Member member) {
        ObjectNode node = JSON.createObjectNode();
        node.put("conn_url", member.connUrl());
        node.put("api_url", member.apiUrl());
        node.put("state", member.state().wire());
        node.put("role", member.role().wire());
        if (member.xlogLocation() != null) {
            node.put("xlog_location", member.xlogLocation());
        }
        if (member.timeline() != null) {
            node.put("timeline", member.timeline());
        }
        if (member.upstream() != null) {
            node.put("upstream", member.upstream());
        }
        node.set("tags", JSON.valueToTree(member.tags()));
        node.put("version", member.version());
        return write(node);
    }

    /**
     * @throws IllegalArgumentException with the reason when the value is not a usable member record
     */
    public static Member decodeMember(String name, String json, long modRevision) {
        JsonNode node = readObject(json);
        String connUrl = text(node, "conn_url", true);
        String apiUrl = text(node, "api_url", false);
        Role role = node.hasNonNull("role") ? Role.fromWire(node.get("role").asText()) : Role.UNINITIALIZED;
        PgState state = node.hasNonNull("state") ? PgState.fromWire(node.get("state").asText()) : PgState.UNKNOWN;
        Long xlog = node.hasNonNull("xlog_location") ? number(node, "xlog_location") : null;
        Integer timeline = node.hasNonNull("timeline") ? timeline(node) : null;
        Tags tags;
        try {
            tags = node.hasNonNull("tags") ? JSON.treeToValue(node.get("tags"), Tags.class) : Tags.DEFAULTS;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tags: " + e.getOriginalMessage());
        }
        return new Member(name, role, state, connUrl, apiUrl, xlog, timeline, text(node, "upstream", false), tags,
                text(node, "version", false), modRevision);
    }

    public static String encodeConfig(HaConfig config) {
        return write(JSON.valueToTree(config));
    }

    public static HaConfig decodeConfig(String json) {
        JsonNode node = readObject(json);
        try {
            return JSON.treeToValue(node, HaConfig.class).validated("config");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** {@code true} when the {@code config} value asks for maintenance mode ({@code "pause": true}). */
    public static boolean decodePause(String json) {
        JsonNode pause = readObject(json).get("pause");
        if (pause == null || pause.isNull()) {
            return false;
        }
        if (!pause.isBoolean()) {
            throw new IllegalArgumentException("pause must be true or false");
        }
        return pause.asBoolean();
    }

    public static String encodeFailover(FailoverRequest request) {
        ObjectNode node = JSON.createObjectNode();
        request.leader().ifPresent(leader -> node.put("leader", leader));
        request.candidate().ifPresent(candidate -> node.put("member", candidate));
        request.scheduledAt().ifPresent(at -> node.put("scheduled_at", at.toString()));
        return write(node);
    }

    /** Reads Patroni's {@code {"leader", "member", "scheduled_at"}}; names must be non-empty strings. */
    public static FailoverRequest decodeFailover(String json) {
        JsonNode node = readObject(json);
        Optional<String> leader = Optional.ofNullable(text(node, "leader", false));
        Optional<String> candidate = Optional.ofNullable(text(node, "member", false));
        if (leader.filter(String::isBlank).isPresent() || candidate.filter(String::isBlank).isPresent()) {
            throw new IllegalArgumentException("leader and member must not be empty");
        }
        Optional<Instant> scheduledAt = Optional.ofNullable(text(node, "scheduled_at", false)).map(JsonCodec::timestamp);
        return new FailoverRequest(leader, candidate, scheduledAt);
    }

    /** Patroni's {@code failsafe} value: {@code {"name": "api_url", ...}}. */
    public static String encodeFailsafe(Map<String, String> members) {
        ObjectNode node = JSON.createObjectNode();
        new java.util.TreeMap<>(members).forEach(node::put);
        return write(node);
    }

    /** Reads {@code {"name": "api_url", ...}}: every value a non-empty URL string. */
    public static Map<String, String> decodeFailsafe(String json) {
        JsonNode node = readObject(json);
        Map<String, String> members = new java.util.TreeMap<>();
        node.fields().forEachRemaining(entry -> {
            if (!entry.getValue().isTextual() || entry.getValue().asText().isBlank()) {
                throw new IllegalArgumentException("failsafe: the value of " + entry.getKey() + " must be its REST API URL");
            }
            members.put(entry.getKey(), entry.getValue().asText().trim());
        });
        return members;
    }

    public static String encodeSync(SyncState sync) {
        ObjectNode node = JSON.createObjectNode();
        node.put("leader", sync.leader());
        node.put("sync_standby", String.join(",", sync.standbysByName()));
        if (sync.quorum() > 0) {
            node.put("quorum", sync.quorum());
        }
        return write(node);
    }

    /**
     * Reads Patroni's {@code {"leader", "sync_standby": "a,b", "quorum": k}}; {@code sync_standby} may
     * also be a JSON list or null (no synchronous standby).
     */
    public static SyncState decodeSync(String json, long modRevision) {
        JsonNode node = readObject(json);
        String leader = text(node, "leader", true);
        Set<String> standbys = new java.util.TreeSet<>();
        JsonNode named = node.get("sync_standby");
        if (named != null && named.isArray()) {
            named.forEach(entry -> {
                if (!entry.isTextual() || entry.asText().isBlank()) {
                    throw new IllegalArgumentException("sync_standby entries must be member names");
                }
                standbys.add(entry.asText().trim());
            });
        } else if (named != null && named.isTextual()) {
            for (String name : named.asText().split(",")) {
                if (!name.isBlank()) {
                    standbys.add(name.trim());
                }
            }
        } else if (named != null && !named.isNull()) {
            throw new IllegalArgumentException("sync_standby must be a comma-separated string of member names");
        }
        JsonNode quorum = node.get("quorum");
        if (quorum != null && !quorum.isNull() && (!quorum.canConvertToInt() || quorum.asInt() < 0 || !quorum.isIntegralNumber())) {
            throw new IllegalArgumentException("quorum must be a non-negative integer");
        }
        return new SyncState(leader, standbys, quorum == null || quorum.isNull() ? 0 : quorum.asInt(), modRevision);
    }

    /** An ISO-8601 time with an offset ({@code 2026-11-25T18:00:00+01:00}) or in UTC ({@code …Z}). */
    public static Instant timestamp(String text) {
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 time with an offset: " + text);
        }
    }

    public static String encodeStatus(Lsn optime) {
        return encodeStatus(optime, null);
    }

    /** {@code status} as the leader writes it: its position and, for elections, its location. */
    public static String encodeStatus(Lsn optime, String leaderLocation) {
        ObjectNode node = JSON.createObjectNode();
        node.put("optime", optime.value());
        if (leaderLocation != null) {
            node.put("location", leaderLocation);
        }
        return write(node);
    }

    /** The leader's location from a {@code status} value; empty when not recorded (older writers). */
    public static Optional<String> decodeStatusLocation(String json) {
        JsonNode location = readObject(json).get("location");
        return location != null && location.isTextual() ? Optional.of(location.asText()) : Optional.empty();
    }

    public static Lsn decodeStatus(String json) {
        return new Lsn(number(readObject(json), "optime"));
    }

    public static String encodeHistory(List<HistoryEntry> history) {
        ArrayNode list = JSON.createArrayNode();
        for (HistoryEntry entry : history) {
            ArrayNode line = list.addArray().add(entry.timeline()).add(entry.switchLsn().value()).add(entry.reason())
                    .add(entry.timestamp().toString()).add(entry.newLeader());
            if (!entry.discarded().isEmpty()) {
                entry.discarded().forEach(line.addArray()::add);
            }
        }
        return write(list);
    }

    /** Reads Patroni's list of {@code [timeline, switch_lsn, reason, timestamp, new_leader?]}. */
    public static List<HistoryEntry> decodeHistory(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException("expected a JSON list");
        }
        List<HistoryEntry> entries = new ArrayList<>();
        for (JsonNode line : node) {
            if (!line.isArray() || line.size() < 3 || !line.get(0).canConvertToInt() || !line.get(1).isIntegralNumber()
                    || line.get(1).asLong() < 0) {
                throw new IllegalArgumentException("entry " + entries.size() + " is not [timeline, switch_lsn, reason, …]");
            }
            Instant at = Instant.EPOCH;
            if (line.size() > 3 && line.get(3).isTextual()) {
                try {
                    at = java.time.OffsetDateTime.parse(line.get(3).asText()).toInstant();
                } catch (java.time.format.DateTimeParseException e) {
                    at = Instant.parse(line.get(3).asText());
                }
            }
            String leader = line.size() > 4 && line.get(4).isTextual() ? line.get(4).asText() : null;
            List<String> discarded = new ArrayList<>();
            if (line.size() > 5 && line.get(5).isArray()) {
                line.get(5).forEach(note -> discarded.add(note.asText()));
            }
            entries.add(new HistoryEntry(line.get(0).asInt(), new Lsn(line.get(1).asLong()), line.get(2).asText(), at, leader,
                    discarded));
        }
        return entries;
    }

    private static JsonNode readObject(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return node;
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException("missing " + field);
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value.asText();
    }

    private static int timeline(JsonNode node) {
        long timeline = number(node, "timeline");
        if (timeline > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("timeline is out of range: " + timeline);
        }
        return (int) timeline;
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        // isIntegralNumber: a WAL position of 1.5 is garbage, not 1
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw new IllegalArgumentException(field + " must be a non-negative integer");
        }
        return value.asLong();
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
