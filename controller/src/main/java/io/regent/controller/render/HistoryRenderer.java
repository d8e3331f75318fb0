package io.regent.controller.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.regent.common.model.HistoryEntry;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code regentctl history}: the {@code history} key, oldest first, one line per timeline switch
 * ({@code TL | LSN | Reason | Timestamp | New Leader}, as patronictl prints it). JSON and YAML carry the
 * switch point both as a number ({@code lsn}) and as PostgreSQL writes it ({@code lsn_text}).
 */
public final class HistoryRenderer {

    static final List<String> HEADERS = List.of("TL", "LSN", "Reason", "Timestamp", "New Leader");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());

    private HistoryRenderer() {
    }

    public static String render(OutputFormat format, List<HistoryEntry> history) {
        try {
            return switch (format) {
                case TABLE -> TextTable.render(HEADERS, history.stream().map(HistoryRenderer::cells).toList());
                case JSON -> JSON.writeValueAsString(history.stream().map(HistoryRenderer::fields).toList()) + "\n";
                case YAML -> YAML.writeValueAsString(history.stream().map(HistoryRenderer::fields).toList());
            };
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> cells(HistoryEntry entry) {
        String reason = entry.discarded().isEmpty() ? entry.reason() : entry.reason() + "; " + String.join("; ", entry.discarded());
        return List.of(Integer.toString(entry.timeline()), entry.switchLsn().toString(), reason,
                timestamp(entry.timestamp()) == null ? "" : timestamp(entry.timestamp()),
                entry.newLeader() == null ? "" : entry.newLeader());
    }

    private static Map<String, Object> fields(HistoryEntry entry) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("timeline", entry.timeline());
        fields.put("lsn", entry.switchLsn().value());
        fields.put("lsn_text", entry.switchLsn().toString());
        fields.put("reason", entry.reason());
        fields.put("timestamp", timestamp(entry.timestamp()));
        fields.put("new_leader", entry.newLeader());
        if (!entry.discarded().isEmpty()) {
            fields.put("discarded", entry.discarded());
        }
        return fields;
    }

    /** Null for an entry written without a time (decoded as the epoch). */
    private static String timestamp(Instant at) {
        return at == null || at.equals(Instant.EPOCH) ? null : at.toString();
    }
}
