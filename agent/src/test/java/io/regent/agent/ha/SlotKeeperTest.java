package io.regent.agent.ha;

import static io.regent.agent.ha.Views.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.agent.postgres.ReplicationSlot;
import io.regent.common.config.HaConfig;
import io.regent.common.model.Lsn;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlotKeeperTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
    private static final HaConfig CONFIG = new HaConfig(30, 10, 10, 1_048_576L, null, 600, Map.of("archiver", Map.of("type", "physical")), null, null, null);
    private static final ReplicationSlot NODE1_SLOT = new ReplicationSlot("node1", true, Optional.of(Lsn.parse("0/3000000")));

    private static ReplicationSlot inactive(String name) {
        return new ReplicationSlot(name, false, Optional.of(Lsn.parse("0/3000000")));
    }

    @Test
    void theLeaderWantsOneSlotPerOtherMemberPlusThePermanentOnesWithSanitizedNames() {
        SlotKeeper keeper = new SlotKeeper("node2");

        SlotKeeper.SlotPlan plan = keeper.forLeader(Views.initializedWithLeader("node2")
                .with(member("node1"), member("Node-3.east")).build(), CONFIG, List.of(NODE1_SLOT), T0);

        assertThat(plan.create()).containsExactly("archiver", "node_3_east");
        assertThat(plan.drop()).isEmpty();
    }

    @Test
    void aDepartedMembersSlotIsKeptForMemberSlotsTtlThenDropped() {
        SlotKeeper keeper = new SlotKeeper("node2");
        keeper.forLeader(Views.initializedWithLeader("node2").with(member("node1"), member("node3")).build(), CONFIG,
                List.of(NODE1_SLOT, inactive("node3")), T0);
        Views.ViewBuilder withoutNode3 = Views.initializedWithLeader("node2").with(member("node1"));

        SlotKeeper.SlotPlan withinGrace = keeper.forLeader(withoutNode3.build(), CONFIG,
                List.of(NODE1_SLOT, inactive("node3"), inactive("archiver")), T0.plus(Duration.ofSeconds(600)));
        SlotKeeper.SlotPlan afterGrace = keeper.forLeader(withoutNode3.build(), CONFIG,
                List.of(NODE1_SLOT, inactive("node3"), inactive("archiver")), T0.plus(Duration.ofSeconds(601)));

        assertThat(withinGrace.isEmpty()).isTrue();
        assertThat(afterGrace.drop()).containsExactly("node3");
    }

    @Test
    void aSlotFoundAfterAnAgentRestartGetsItsGraceFromNowAndAnActiveOneIsNeverDropped() {
        SlotKeeper keeper = new SlotKeeper("node2");
        ReplicationSlot streaming = new ReplicationSlot("stranger", true, Optional.of(Lsn.parse("0/3000000")));
        Views.ViewBuilder alone = Views.initializedWithLeader("node2");

        SlotKeeper.SlotPlan first = keeper.forLeader(alone.build(), CONFIG, List.of(inactive("node9"), streaming), T0);
        SlotKeeper.SlotPlan later = keeper.forLeader(alone.build(), CONFIG, List.of(inactive("node9"), streaming),
                T0.plus(Duration.ofSeconds(601)));

        assertThat(first.drop()).isEmpty();
        assertThat(later.drop()).containsExactly("node9");
    }

    @Test
    void aSlotFoundOnTheServerIsNeverRecreatedOnceGone() {
        SlotKeeper keeper = new SlotKeeper("node2");
        Views.ViewBuilder alone = Views.initializedWithLeader("node2");
        keeper.forLeader(alone.build(), CONFIG, List.of(inactive("pg_basebackup_42"), inactive("archiver")), T0);

        SlotKeeper.SlotPlan afterItWent = keeper.forLeader(alone.build(), CONFIG, List.of(inactive("archiver")), T0.plusSeconds(1));

        assertThat(afterItWent.isEmpty()).isTrue();
    }

    @Test
    void theLeaderNeverKeepsASlotForItself() {
        SlotKeeper keeper = new SlotKeeper("node2");

        SlotKeeper.SlotPlan plan = keeper.forLeader(Views.initializedWithLeader("node2").with(member("node1")).build(),
                CONFIG, List.of(NODE1_SLOT, inactive("node2"), inactive("archiver")), T0);

        assertThat(plan.drop()).containsExactly("node2");
    }

    @Test
    void aStandbyDropsEveryInactiveSlotAndKeepsActiveOnesAndUnreservedPermanentOnes() {
        SlotKeeper keeper = new SlotKeeper("node2");
        ReplicationSlot unreserved = new ReplicationSlot("node3", false, Optional.empty());
        ReplicationSlot unreservedPermanent = new ReplicationSlot("archiver", false, Optional.empty());
        ReplicationSlot cascading = new ReplicationSlot("node4", true, Optional.of(Lsn.parse("0/3000000")));

        SlotKeeper.SlotPlan plan = keeper.forStandby(List.of(inactive("node1"), unreserved, unreservedPermanent, cascading), CONFIG);

        assertThat(plan.create()).isEmpty();
        assertThat(plan.drop()).isEqualTo(Set.of("node1", "node3"));
    }

    @Test
    void aStandbyDropsAPermanentSlotThatHoldsWalBack() {
        SlotKeeper keeper = new SlotKeeper("node2");

        assertThat(keeper.forStandby(List.of(inactive("archiver")), CONFIG).drop()).containsExactly("archiver");
    }

    @Test
    void twoMembersWhoseNamesSanitizeAlikeNeverShareASlotAndTheCollisionIsReported() {
        SlotKeeper keeper = new SlotKeeper("node2");

        SlotKeeper.SlotPlan plan = keeper.forLeader(Views.initializedWithLeader("node2")
                .with(member("node_1"), member("node-1")).build(), CONFIG, List.of(), T0);

        assertThat(plan.create()).containsExactly("archiver", "node_1");
        assertThat(plan.problems()).singleElement().asString()
                .contains("members node-1, node_1 map to the same replication slot node_1", "kept for node-1 only");
    }

    @Test
    void aStandbyWhoseSlotNameIsTheLeadersOwnStillGetsItsSlot() {
        SlotKeeper keeper = new SlotKeeper("node-1");

        SlotKeeper.SlotPlan plan = keeper.forLeader(Views.initializedWithLeader("node-1").with(member("node_1")).build(),
                CONFIG, List.of(inactive("node_1")), T0);

        assertThat(plan.drop()).isEmpty();
        assertThat(plan.problems()).singleElement().asString().contains("kept for node_1 only");
    }

    @Test
    void aPermanentSlotNamedLikeAMembersSlotIsReported() {
        SlotKeeper keeper = new SlotKeeper("node2");

        SlotKeeper.SlotPlan plan = keeper.forLeader(Views.initializedWithLeader("node2").with(member("Archiver")).build(),
                CONFIG, List.of(), T0);

        assertThat(plan.create()).containsExactly("archiver");
        assertThat(plan.problems()).singleElement().asString().contains("permanent slot archiver", "member Archiver");
    }

    @Test
    void withoutCollisionsThePlanReportsNothing() {
        SlotKeeper keeper = new SlotKeeper("node2");

        SlotKeeper.SlotPlan plan = keeper.forLeader(Views.initializedWithLeader("node2").with(member("node1"), member("node3"))
                .build(), CONFIG, List.of(), T0);

        assertThat(plan.problems()).isEmpty();
    }
}
