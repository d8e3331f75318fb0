package io.regent.controller.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regent.common.model.HistoryEntry;
import io.regent.common.model.Lsn;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryRendererTest {

    private final List<HistoryEntry> history = List.of(
            new HistoryEntry(1, new Lsn(0x3000060L), "no recovery target specified", Instant.parse("2026-11-25T18:00:00Z"), "node2"),
            new HistoryEntry(2, new Lsn(0x4000000L), "switchover", Instant.EPOCH, null));

    @Test
    void theTableHasPatronictlsColumns() {
        String table = HistoryRenderer.render(OutputFormat.TABLE, history);

        assertThat(table.lines().toList()).containsExactly(
                " TL | LSN       | Reason                       | Timestamp            | New Leader",
                "----+-----------+------------------------------+----------------------+------------",
                " 1  | 0/3000060 | no recovery target specified | 2026-11-25T18:00:00Z | node2",
                " 2  | 0/4000000 | switchover                   |                      |");
    }

    @Test
    void jsonCarriesTheSwitchPointAsANumberAndAsText() throws Exception {
        JsonNode rows = new ObjectMapper().readTree(HistoryRenderer.render(OutputFormat.JSON, history));

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).path("lsn").asLong()).isEqualTo(0x3000060L);
        assertThat(rows.get(0).path("lsn_text").asText()).isEqualTo("0/3000060");
        assertThat(rows.get(0).path("new_leader").asText()).isEqualTo("node2");
        assertThat(rows.get(1).path("timestamp").isNull()).isTrue();
        assertThat(HistoryRenderer.render(OutputFormat.JSON, List.of())).isEqualTo("[ ]\n");
    }

    @Test
    void walAMemberDiscardedToFollowIsShownWithTheSwitchItFollowed() throws Exception {
        List<HistoryEntry> repaired = List.of(history.get(0).withDiscarded("node1 discarded WAL 0/3000060 to 0/3000100 of timeline 1"
                + " to follow node2 (pg_rewind)"));

        assertThat(HistoryRenderer.render(OutputFormat.TABLE, repaired)).contains("no recovery target specified; node1 discarded"
                + " WAL 0/3000060 to 0/3000100 of timeline 1 to follow node2 (pg_rewind)");
        JsonNode rows = new ObjectMapper().readTree(HistoryRenderer.render(OutputFormat.JSON, repaired));
        assertThat(rows.get(0).path("discarded").get(0).asText()).startsWith("node1 discarded WAL 0/3000060");
        assertThat(rows.get(0).path("reason").asText()).isEqualTo("no recovery target specified");
        assertThat(new ObjectMapper().readTree(HistoryRenderer.render(OutputFormat.JSON, history)).get(0).has("discarded")).isFalse();
    }
}
