package io.regent.controller.render;

import static io.regent.controller.fixture.Views.cluster;
import static io.regent.controller.fixture.Views.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.model.ClusterView;
import io.regent.common.model.KeyProblem;
import io.regent.common.model.PgState;
import io.regent.controller.fixture.Views;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MemberListingTest {

    @Test
    void membersAreNumberedInNameOrder() {
        ClusterView view = cluster("b", member("c").build(), member("a").build(), member("b").primary().build());

        MemberListing listing = MemberListing.of("demo", view);

        assertThat(listing.rows()).extracting(MemberRow::id, MemberRow::name)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, "a"),
                        org.assertj.core.groups.Tuple.tuple(2, "b"),
                        org.assertj.core.groups.Tuple.tuple(3, "c"));
    }

    @Test
    void aStandbyTheLeadersSyncKeyNamesIsShownAsASyncStandby() {
        ClusterView view = Views.withSync(cluster("b", member("a").build(), member("b").primary().build(), member("c").build()),
                "b", "c");

        assertThat(MemberListing.of("demo", view).rows()).extracting(MemberRow::name, MemberRow::role).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", "replica"),
                org.assertj.core.groups.Tuple.tuple("b", "primary"),
                org.assertj.core.groups.Tuple.tuple("c", "sync standby"));
    }

    @Test
    void theLeaderKeyHolderIsThePrimaryWithNoUpstreamAndNoLag() {
        MemberRow node1 = MemberListing.of("demo", Views.healthyDemo()).rows().get(0);

        assertThat(node1.role()).isEqualTo("primary");
        assertThat(node1.upstream()).isEmpty();
        assertThat(node1.lag()).isEqualTo(LsnLag.LEADER);
    }

    @Test
    void aMemberThatSaysPrimaryWithoutHoldingTheLeaderKeyIsFlagged() {
        ClusterView view = cluster("node2",
                member("node1").primary().xlog(100).build(),
                member("node2").primary().xlog(100).build());

        MemberListing listing = MemberListing.of("demo", view);

        assertThat(listing.rows()).extracting(MemberRow::role).containsExactly("primary (no lock)", "primary");
    }

    @Test
    void aPrimaryIsFlaggedWhenNobodyHoldsTheLeaderKey() {
        MemberListing listing = MemberListing.of("demo", cluster(null, member("node1").primary().xlog(100).build()));

        assertThat(listing.rows().get(0).role()).isEqualTo("primary (no lock)");
        assertThat(listing.rows().get(0).lag()).isEqualTo(LsnLag.UNKNOWN);
    }

    @Test
    void standbysShowTheirUpstreamAndTheirLagBehindTheLeader() {
        MemberListing listing = MemberListing.of("demo", Views.healthyDemo());

        MemberRow node2 = listing.rows().get(1);
        assertThat(node2.role()).isEqualTo("replica");
        assertThat(node2.upstream()).isEqualTo("node1");
        assertThat(node2.lag()).isEqualTo(LsnLag.bytes(2048));
        assertThat(node2.location()).isEqualTo("dc2");
        assertThat(node2.priority()).isEqualTo(90);
    }

    @Test
    void aStandbyThatPublishedNoPositionHasAnUnknownLag() {
        MemberRow node3 = MemberListing.of("demo", Views.healthyDemo()).rows().get(2);

        assertThat(node3.lag()).isEqualTo(LsnLag.UNKNOWN);
    }

    @Test
    void statusIsThePublishedState() {
        ClusterView view = cluster("node1", member("node1").primary().xlog(1).build(),
                member("node2").state(PgState.CREATING_REPLICA).timeline(null).build());

        MemberRow node2 = MemberListing.of("demo", view).rows().get(1);

        assertThat(node2.status()).isEqualTo("creating replica");
        assertThat(node2.timeline()).isNull();
    }

    @Test
    void aLeaderKeyNamingAnAbsentMemberAndUnreadableKeysAreWarnedAbout() {
        ClusterView view = Views.withProblems(cluster("ghost", member("node1").xlog(1).build()),
                new KeyProblem("/service/demo/members/bad", "not JSON: Unexpected character"));

        MemberListing listing = MemberListing.of("demo", view);

        assertThat(listing.rows().get(0).lag()).isEqualTo(LsnLag.UNKNOWN);
        assertThat(listing.warnings()).containsExactly(
                "the leader key names 'ghost', which has no member key (lag shown as unknown)",
                "ignored unreadable key /service/demo/members/bad: not JSON: Unexpected character");
    }

    @Test
    void theTitleNamesTheClusterAndItsSystemIdentifier() {
        ClusterView view = Views.healthyDemo();

        assertThat(MemberListing.of("demo", view).title())
                .isEqualTo("Cluster: demo (system identifier 7301234567890123456)");
        assertThat(MemberListing.of("demo", Views.withInitialize(view, Optional.of(""))).title())
                .isEqualTo("Cluster: demo (initialization in progress)");
        assertThat(MemberListing.of("demo", ClusterView.empty(1)).title())
                .isEqualTo("Cluster: demo (not initialized)");
    }

    @Test
    void aPasswordInAPublishedConnectionStringIsMasked() {
        ClusterView view = cluster("node1",
                member("node1").primary().connUrl("postgres://postgres:hunter2@127.0.0.1:5432/postgres").build());

        assertThat(MemberListing.of("demo", view).rows().get(0).connectionString())
                .isEqualTo("postgres://postgres:******@127.0.0.1:5432/postgres");
    }
}
