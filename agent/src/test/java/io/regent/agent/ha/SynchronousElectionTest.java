package io.regent.agent.ha;

import static io.regent.agent.ha.Views.member;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.agent.ha.Decision.AcquireAndPromote;
import io.regent.agent.ha.Decision.Wait;
import io.regent.common.config.HaConfig;
import io.regent.common.config.SynchronousMode;
import org.junit.jupiter.api.Test;

/** Who may take the leader key when the leader promised, in {@code sync}, who has every acknowledged commit. */
class SynchronousElectionTest {

    private static HaConfig config(SynchronousMode mode) {
        return new HaConfig(null, null, null, null, null, null, null, mode, 1, null);
    }

    private static final HaConfig ON = config(SynchronousMode.ON);
    private static final HaConfig QUORUM = config(SynchronousMode.QUORUM);

    @Test
    void theSynchronousStandbyWinsThoughAnAsynchronousOneReceivedMore() {
        var view = Views.initializedWithoutLeader().with(member("c").lsn("0/9000000")).sync("a", 0, "b").build();

        Decision decision = Decider.decide(view, Locals.runningStandby("b").lsn("0/8000000").leaderlessFor(ofSeconds(5)).build(), ON);

        assertThat(decision).isInstanceOf(AcquireAndPromote.class);
    }

    @Test
    void anAsynchronousStandbyIsNotPromotedHoweverFarAhead() {
        var view = Views.initializedWithoutLeader().with(member("b").lsn("0/1000000")).sync("a", 0, "b").build();

        Decision decision = Decider.decide(view, Locals.runningStandby("c").lsn("0/9000000").leaderlessFor(ofSeconds(60)).build(), ON);

        assertThat(decision).isInstanceOf(Wait.class);
        assertThat(decision.reason()).contains("only a and b have every acknowledged commit");
    }

    @Test
    void withNoSynchronousStandbyNamedNobodyButTheFormerLeaderMayBePromoted() {
        var view = Views.initializedWithoutLeader().with(member("b")).sync("a", 0).build();

        assertThat(Decider.decide(view, Locals.runningStandby("c").leaderlessFor(ofSeconds(60)).build(), ON))
                .isInstanceOf(Wait.class);
        assertThat(Decider.decide(view, Locals.runningPrimary("a").leaderlessFor(ofSeconds(60)).build(), ON))
                .isInstanceOf(AcquireAndPromote.class);
    }

    @Test
    void aSynchronousStandbyBehindTheLastPublishedPositionMayStillWin() {
        var view = Views.initializedWithoutLeader().optime("0/9000000").sync("a", 0, "b").build();

        Decision decision = Decider.decide(view, Locals.runningStandby("b").lsn("0/1000000").leaderlessFor(ofSeconds(5)).build(), ON);

        assertThat(decision).isInstanceOf(AcquireAndPromote.class);
    }

    @Test
    void aQuorumCandidateWaitsUntilItHasHeardFromEnoughMembersToHoldEveryCommit() {
        // ANY 1 of b, c, d: a commit may be on d alone, so all three must be heard from
        var withoutD = Views.initializedWithoutLeader().with(member("c").lsn("0/1000000")).sync("a", 1, "b", "c", "d").build();
        Decision waiting = Decider.decide(withoutD, Locals.runningStandby("b").lsn("0/2000000").leaderlessFor(ofSeconds(60)).build(),
                QUORUM);
        assertThat(waiting).isInstanceOf(Wait.class);
        assertThat(waiting.reason()).contains("3 of them must be heard from").contains("heard from 2 (b, c)");

        var all = Views.initializedWithoutLeader().with(member("b").lsn("0/2000000"), member("c").lsn("0/1000000"), member("d").lsn("0/3000000"))
                .sync("a", 1, "b", "c", "d").build();
        assertThat(Decider.decide(all, Locals.runningStandby("b").lsn("0/2000000").leaderlessFor(ofSeconds(5)).build(), QUORUM))
                .isInstanceOf(Wait.class);
        assertThat(Decider.decide(all, Locals.runningStandby("d").lsn("0/3000000").leaderlessFor(ofSeconds(5)).build(), QUORUM))
                .isInstanceOf(AcquireAndPromote.class);
    }

    @Test
    void aMemberSilentSinceTheLossDoesNotCountTowardsTheQuorum() {
        var view = Views.initializedWithoutLeader().with(member("c").silent(), member("d"))
                .sync("a", 2, "b", "c", "d").build();

        assertThat(Decider.decide(view, Locals.runningStandby("b").lsn("0/4000000").leaderlessFor(ofSeconds(60)).build(), QUORUM))
                .isInstanceOf(AcquireAndPromote.class);
        var fewer = Views.initializedWithoutLeader().with(member("c").silent(), member("d").silent())
                .sync("a", 2, "b", "c", "d").build();
        assertThat(Decider.decide(fewer, Locals.runningStandby("b").lsn("0/4000000").leaderlessFor(ofSeconds(60)).build(), QUORUM))
                .isInstanceOf(Wait.class);
    }

    @Test
    void anUnreadableSyncKeyPromotesNobody() {
        var view = Views.initializedWithoutLeader().with(member("b")).sync("", 0).build();

        assertThat(Decider.decide(view, Locals.runningStandby("c").leaderlessFor(ofSeconds(60)).build(), ON))
                .isInstanceOf(Wait.class);
    }

    @Test
    void withSynchronousReplicationOffTheKeyIsIgnored() {
        var view = Views.initializedWithoutLeader().with(member("b").lsn("0/1000000")).sync("a", 0, "b").build();

        assertThat(Decider.decide(view, Locals.runningStandby("c").lsn("0/9000000").leaderlessFor(ofSeconds(5)).build(),
                config(SynchronousMode.OFF))).isInstanceOf(AcquireAndPromote.class);
    }
}
