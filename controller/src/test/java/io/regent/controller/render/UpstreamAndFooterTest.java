package io.regent.controller.render;

import static io.regent.controller.fixture.Views.cluster;
import static io.regent.controller.fixture.Views.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.model.ClusterView;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.PgState;
import io.regent.controller.fixture.Views;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UpstreamAndFooterTest {

    private static ClusterView cascading() {
        return cluster("node1",
                member("node1").primary().xlog(100).connUrl("postgres://127.0.0.1:5432/postgres").build(),
                member("node2").upstream("127.0.0.1:5434").xlog(100).connUrl("postgres://127.0.0.1:5433/postgres").build(),
                member("node3").upstream("node1").xlog(100).connUrl("postgres://127.0.0.1:5434/postgres").build(),
                member("node4").state(PgState.STOPPED).connUrl("postgres://127.0.0.1:5435/postgres").build());
    }

    @Test
    void aStandbyStreamingFromAnotherMemberThanTheLeaderShowsBoth() {
        MemberListing listing = MemberListing.of("demo", cascading());

        assertThat(listing.rows()).extracting(MemberRow::upstreamText)
                .containsExactly("", "node1 (streams from node3)", "node1", "node1 (not streaming)");
        assertThat(listing.rows().get(1).streamsFrom()).isEqualTo("node3");
    }

    @Test
    void anAddressThatIsNoMemberIsShownAsPublished() {
        ClusterView view = cluster("node1", member("node1").primary().build(), member("node2").upstream("10.0.0.9:5432").build());

        assertThat(MemberListing.of("demo", view).rows().get(1).upstreamText()).isEqualTo("node1 (streams from 10.0.0.9:5432)");
    }

    @Test
    void withoutALeaderTheUpstreamIsWhatTheMemberPublished() {
        ClusterView view = cluster(null, member("node2").upstream("node1").build(), member("node3").build());

        assertThat(MemberListing.of("demo", view).rows()).extracting(MemberRow::upstreamText).containsExactly("node1", "");
    }

    @Test
    void theTableEndsWithMaintenanceModeAndAScheduledSwitchover() {
        ClusterView view = Views.withFailover(Views.paused(Views.healthyDemo()),
                FailoverRequest.switchover("node1", Optional.of("node2"), Optional.of(Instant.parse("2026-11-25T22:00:00Z"))));

        String table = new TableRenderer().render(MemberListing.of("demo", view));

        assertThat(table.lines().toList()).endsWith(
                " Maintenance mode: on (agents take no automatic action; 'regentctl resume' ends it)",
                " Switchover scheduled at 2026-11-25T22:00:00Z: node1 -> node2");
    }

    @Test
    void aPendingFailoverWithoutCandidateOrTimeIsNamedToo() {
        ClusterView switchover = Views.withFailover(Views.healthyDemo(),
                FailoverRequest.switchover("node1", Optional.empty(), Optional.empty()));
        ClusterView failover = Views.withFailover(Views.healthyDemo(), FailoverRequest.failoverTo("node3"));

        assertThat(MemberListing.of("demo", switchover).footer()).containsExactly("Switchover requested: node1 -> the best candidate");
        assertThat(MemberListing.of("demo", failover).footer()).containsExactly("Failover requested to node3");
        assertThat(MemberListing.of("demo", Views.healthyDemo()).footer()).isEmpty();
    }

    @Test
    void topologyIndentsEachStandbyUnderTheMemberItStreamsFrom() {
        String table = new TableRenderer().render(Topology.of(MemberListing.of("demo", cascading())));

        assertThat(table.lines().skip(3).map(line -> line.split("\\|")[1].substring(1).stripTrailing()).toList())
                .containsExactly("node1", "+ node3", "  + node2", "node4");
    }
}
