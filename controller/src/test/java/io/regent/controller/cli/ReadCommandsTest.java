package io.regent.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.regent.common.model.HistoryEntry;
import io.regent.common.model.KeyProblem;
import io.regent.common.model.Lsn;
import io.regent.controller.fixture.FakeAdmin;
import io.regent.controller.fixture.Views;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadCommandsTest {

    @Test
    void versionNamesThisToolAndEachMembersPostgresql() {
        CommandRun run = CommandRun.of(new FakeAdmin(Views.healthyDemo(), null), "version");

        assertThat(run.exitCode).isZero();
        assertThat(run.out().lines().toList()).hasSize(4);
        assertThat(run.out()).startsWith("regentctl ").contains("node1: PostgreSQL 0.1.0\n");
    }

    @Test
    void historyPrintsTheKeyAndRefusesAnUnreadableOne() throws Exception {
        FakeAdmin admin = new FakeAdmin(Views.withHistory(Views.healthyDemo(), List.of(
                new HistoryEntry(1, new Lsn(0x3000060L), "switchover", Instant.parse("2026-11-25T18:00:00Z"), "node2"))), null);

        CommandRun json = CommandRun.of(admin, "history", "-f", "json");
        assertThat(json.exitCode).isZero();
        assertThat(new ObjectMapper().readTree(json.out()).get(0).path("new_leader").asText()).isEqualTo("node2");

        admin.view = Views.withProblems(admin.view, new KeyProblem("/service/demo/history", "expected a JSON list"));
        CommandRun broken = CommandRun.of(admin, "history");
        assertThat(broken.exitCode).isEqualTo(1);
        assertThat(broken.err()).isEqualTo("regentctl: the history key is unreadable: expected a JSON list\n");
    }

    @Test
    void topologyPutsTheLeaderFirst() {
        CommandRun run = CommandRun.of(new FakeAdmin(Views.healthyDemo(), null), "topology");

        assertThat(run.exitCode).isZero();
        assertThat(run.out().lines().skip(3).map(line -> line.split("\\|")[1].substring(1).stripTrailing()).toList())
                .containsExactly("node1", "+ node2", "+ node3");
    }
}
