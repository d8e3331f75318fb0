package io.regent.agent.ha;

import static io.regent.agent.ha.Views.member;
import static io.regent.agent.ha.Views.upstreamOf;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.agent.fence.FenceOrder;
import io.regent.agent.ha.Decision.AcquireAndPromote;
import io.regent.agent.ha.Decision.Bootstrap;
import io.regent.agent.ha.Decision.Demote;
import io.regent.agent.ha.Decision.KeepFollowing;
import io.regent.agent.ha.Decision.KeepLeading;
import io.regent.agent.ha.Decision.Wait;
import io.regent.common.model.ClusterView;
import io.regent.common.model.PgState;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What the loop tells the fences each cycle, and what a required watchdog that cannot be used changes. */
class FencingTest {

    /** The lease id {@link Views} puts on every leader key. */
    private static final long KEY_LEASE = 0x694d8a1b2c3d4e5fL;
    private static final long OTHER_LEASE = 42;
    private static final Decision ANY = new Wait("whatever");

    private static FenceOrder order(Views.ViewBuilder view, Locals.LocalBuilder local, long currentLease, Decision decision) {
        LocalState state = local.build();
        return Fencing.order(view.build(), state, currentLease, state.leaseRemaining(), decision);
    }

    @Nested
    class TheFenceOrder {

        @Test
        void aLeaderOnTheLeaseItJustRenewedArmsForThatLeasesRemainingTime() {
            FenceOrder order = order(Views.initializedWithLeader("node2"),
                    Locals.runningPrimary("node2").storeUnreachable(ofSeconds(7)), KEY_LEASE, ANY);

            assertThat(order).isEqualTo(new FenceOrder.Arm(ofSeconds(7)));
        }

        @Test
        void aStandbyAboutToTakeTheKeyIsArmedBeforeItPromotes() {
            FenceOrder order = order(Views.initializedWithoutLeader(), Locals.runningStandby("node2"), OTHER_LEASE,
                    new AcquireAndPromote(true, "won"));

            assertThat(order).isEqualTo(new FenceOrder.Arm(ofSeconds(20)));
        }

        @Test
        void aRestartedAgentWhoseKeyStillSitsOnTheDeadAgentsLeaseLeavesTheOldDeadlineStanding() {
            FenceOrder order = order(Views.initializedWithLeader("node2"), Locals.runningPrimary("node2"), OTHER_LEASE,
                    new KeepLeading("leading"));

            assertThat(order).isInstanceOf(FenceOrder.Hold.class);
        }

        @Test
        void aPrimaryWhileAnotherMemberHoldsTheKeyIsNeverExtended() {
            FenceOrder order = order(Views.initializedWithLeader("node1"), Locals.runningPrimary("node2"), KEY_LEASE,
                    new Demote(Optional.empty(), "another leader"));

            assertThat(order).isInstanceOf(FenceOrder.Hold.class);
        }

        @Test
        void aPostgresThatDoesNotAnswerYetWhileAnotherLeadsIsNotDisarmed() {
            FenceOrder order = order(Views.initializedWithLeader("node1"), Locals.notAcceptingConnections("node2"), KEY_LEASE,
                    ANY);

            assertThat(order).isInstanceOf(FenceOrder.Hold.class);
        }

        @Test
        void aPrimaryWithoutAnyLeaderIsArmedForItsMemberLease() {
            FenceOrder order = order(Views.initializedWithoutLeader(), Locals.runningPrimary("node2"), OTHER_LEASE, ANY);

            assertThat(order).isEqualTo(new FenceOrder.Arm(ofSeconds(20)));
        }

        @Test
        void aStandbyDisarms() {
            FenceOrder order = order(Views.initializedWithLeader("node1"),
                    Locals.runningStandby("node2").streamingFrom(upstreamOf("node1")), OTHER_LEASE,
                    new KeepFollowing(new Decision.LeaderTarget("node1", upstreamOf("node1")), "following"));

            assertThat(order).isInstanceOf(FenceOrder.Disarm.class);
        }

        @Test
        void aStoppedFormerLeaderDisarms() {
            FenceOrder order = order(Views.initializedWithLeader("node1"), Locals.stopped("node2"), OTHER_LEASE, ANY);

            assertThat(order).isInstanceOf(FenceOrder.Disarm.class);
        }

        @Test
        void aMemberWithoutDataDisarms() {
            assertThat(order(Views.uninitialized(), Locals.noData("node2"), OTHER_LEASE, new Bootstrap("go")))
                    .isInstanceOf(FenceOrder.Disarm.class);
        }
    }

    @Nested
    class ARequiredWatchdogThatCannotBeUsed {

        private static final String REFUSAL = "watchdog required, but there is no watchdog device /dev/watchdog";

        private Decision decide(Views.ViewBuilder view, Locals.LocalBuilder local) {
            return Decider.decide(view.build(), local.fenceRefuses(REFUSAL).build(), Views.CONFIG);
        }

        @Test
        void keepsTheWinnerOfAnElectionFromTakingTheKey() {
            ClusterView view = Views.initializedWithoutLeader().with(member("node2").lsn("0/3000060")).build();
            Decision without = Decider.decide(view, Locals.runningStandby("node2").lsn("0/3000060")
                    .leaderlessFor(Duration.ofMinutes(1)).build(), Views.CONFIG);
            assertThat(without).as("the same member with a usable fence").isInstanceOf(AcquireAndPromote.class);

            Decision decision = Decider.decide(view, Locals.runningStandby("node2").lsn("0/3000060")
                    .leaderlessFor(Duration.ofMinutes(1)).fenceRefuses(REFUSAL).build(), Views.CONFIG);

            assertThat(decision).isInstanceOf(Wait.class);
            assertThat(decision.reason()).isEqualTo("not taking the leader key: " + REFUSAL);
        }

        @Test
        void keepsAMemberFromBootstrappingACluster() {
            Decision decision = decide(Views.uninitialized(), Locals.noData("node2"));

            assertThat(decision).isInstanceOf(Wait.class);
            assertThat(decision.reason()).contains(REFUSAL);
        }

        @Test
        void makesTheLeaderGiveTheKeyUp() {
            Decision decision = decide(Views.initializedWithLeader("node2"), Locals.runningPrimary("node2"));

            assertThat(decision).isInstanceOf(Demote.class);
            assertThat(decision.reason()).isEqualTo("giving up the leader key: " + REFUSAL);
        }

        @Test
        void makesALeaderWhosePostgresStoppedGiveTheKeyUpRatherThanRestartItAsPrimary() {
            assertThat(decide(Views.initializedWithLeader("node2"), Locals.stopped("node2"))).isInstanceOf(Demote.class);
        }

        @Test
        void changesNothingInMaintenanceMode() {
            assertThat(decide(Views.initializedWithLeader("node2").paused(), Locals.runningPrimary("node2")))
                    .isInstanceOf(KeepLeading.class);
        }

        @Test
        void changesNothingForAStandbyFollowingTheLeader() {
            Decision decision = decide(Views.initializedWithLeader("node1").with(member("node2").streamsFrom("node1")),
                    Locals.runningStandby("node2").streamingFrom(upstreamOf("node1")));

            assertThat(decision).isInstanceOf(KeepFollowing.class);
        }

        @Test
        void doesNotStopAJobInProgress() {
            assertThat(decide(Views.initializedWithLeader("node1"), Locals.stopped("node2").job("clone", PgState.CREATING_REPLICA)))
                    .isInstanceOf(Wait.class);
        }
    }
}
