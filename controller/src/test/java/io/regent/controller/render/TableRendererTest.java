package io.regent.controller.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.model.ClusterView;
import io.regent.controller.fixture.Views;
import org.junit.jupiter.api.Test;

class TableRendererTest {

    private final TableRenderer renderer = new TableRenderer();

    @Test
    void aHealthyClusterReadsAsATitleAHeaderAndOneLinePerMember() {
        String table = renderer.render(MemberListing.of("demo", Views.healthyDemo()));

        assertThat(table).isEqualTo("""
                Cluster: demo (system identifier 7301234567890123456)
                 ID | Name  | Role    | Status  | Upstream | Location | Priority | Timeline | LSN_Lag | Connection string
                ----+-------+---------+---------+----------+----------+----------+----------+---------+------------------------------------
                 1  | node1 | primary | running |          | default  | 100      | 1        |         | postgres://127.0.0.1:5432/postgres
                 2  | node2 | replica | running | node1    | dc2      | 90       | 1        | 2.0 kB  | postgres://127.0.0.1:5433/postgres
                 3  | node3 | replica | running | node1    | default  | 100      | 1        | unknown | postgres://127.0.0.1:5434/postgres
                """);
    }

    @Test
    void anEmptyClusterStillShowsItsTitleAndHeader() {
        String table = renderer.render(MemberListing.of("demo", ClusterView.empty(1)));

        assertThat(table).isEqualTo("""
                Cluster: demo (not initialized)
                 ID | Name | Role | Status | Upstream | Location | Priority | Timeline | LSN_Lag | Connection string
                ----+------+------+--------+----------+----------+----------+----------+---------+-------------------
                """);
    }

    @Test
    void columnsWidenForLongValues() {
        ClusterView view = Views.cluster("a-rather-long-member-name",
                Views.member("a-rather-long-member-name").primary().xlog(1).build(),
                Views.member("b").primary().xlog(1).build());

        String[] lines = renderer.render(MemberListing.of("demo", view)).split("\n");

        assertThat(lines[3]).startsWith(" 1  | a-rather-long-member-name | primary           | running |");
        assertThat(lines[4]).startsWith(" 2  | b                         | primary (no lock) | running |");
    }
}
