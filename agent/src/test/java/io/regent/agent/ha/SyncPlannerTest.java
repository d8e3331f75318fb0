package io.regent.agent.ha;

import static io.regent.agent.ha.Views.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.agent.postgres.StandbyConnection;
import io.regent.common.config.HaConfig;
import io.regent.common.config.SynchronousMode;
import io.regent.common.model.ClusterView;
import io.regent.common.model.Lsn;
import io.regent.common.model.SyncState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The order of writes that keeps the {@code sync} key from ever promising more than the acknowledged commits satisfy. */
class SyncPlannerTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Lsn POSITION = Lsn.parse("0/5000000");

    private static HaConfig config(SynchronousMode mode, int count) {
        return new HaConfig(null, null, null, null, null, null, null, mode, count, null);
    }

    private static StandbyConnection streaming(String name, String flushed) {
        return new StandbyConnection(name, "streaming", Optional.of(Lsn.parse(flushed)));
    }

    private static Views.ViewBuilder cluster() {
        return Views.initializedWithLeader("a").with(member("b"), member("c"), member("d"));
    }

    private static SyncPlanner.Step next(HaConfig config, ClusterView view, List<StandbyConnection> connected, String enforced,
                                         Optional<SyncPlanner.Pending> pending) {
        return SyncPlanner.next("a", config, view, connected, enforced, pending, POSITION, NOW);
    }

    @Nested
    class OnAndStrict {

        private final HaConfig on = config(SynchronousMode.ON, 1);

        @Test
        void aNewlySynchronousClusterFirstPromisesNobodyThenEnforcesTheStandby() {
            SyncPlanner.Step step = next(on, cluster().build(), List.of(streaming("b", "0/4000000")), "", Optional.empty());

            assertThat(step.writeKey()).contains(SyncState.of("a", Set.of(), 0));
            assertThat(step.expectedRevision()).isZero();
            assertThat(step.setStandbyNames()).contains("FIRST 1 (\"b\")");
            assertThat(step.pending()).map(SyncPlanner.Pending::target).contains(new SyncClaim(Set.of("b"), 1));
        }

        @Test
        void theStandbyIsPublishedOnlyOnceItFlushedTheWalWrittenBeforeTheSwitch() {
            ClusterView view = cluster().sync("a", 0).build();
            SyncClaim target = new SyncClaim(Set.of("b"), 1);
            var justSwitched = Optional.of(new SyncPlanner.Pending(target, NOW.minusMillis(200), Optional.empty()));

            SyncPlanner.Step settling = next(on, view, List.of(streaming("b", "0/9000000")), "FIRST 1 (\"b\")", justSwitched);
            assertThat(settling.changesNothing()).isTrue();
            assertThat(settling.pending().flatMap(SyncPlanner.Pending::switchPosition)).isEmpty();

            var switched = Optional.of(new SyncPlanner.Pending(target, NOW.minus(Duration.ofSeconds(2)), Optional.empty()));
            SyncPlanner.Step recorded = next(on, view, List.of(streaming("b", "0/4000000")), "FIRST 1 (\"b\")", switched);
            assertThat(recorded.changesNothing()).isTrue();
            assertThat(recorded.pending().flatMap(SyncPlanner.Pending::switchPosition)).contains(POSITION);

            SyncPlanner.Step behind = next(on, view, List.of(streaming("b", "0/4FFFFFF")), "FIRST 1 (\"b\")", recorded.pending());
            assertThat(behind.changesNothing()).isTrue();
            assertThat(behind.reason()).contains("0 have");

            SyncPlanner.Step caughtUp = next(on, view, List.of(streaming("b", "0/5000000")), "FIRST 1 (\"b\")", recorded.pending());
            assertThat(caughtUp.writeKey()).contains(SyncState.of("a", Set.of("b"), 0));
            assertThat(caughtUp.expectedRevision()).isEqualTo(77);
            assertThat(caughtUp.setStandbyNames()).isEmpty();
            assertThat(caughtUp.pending()).isEmpty();
        }

        @Test
        void aLostStandbyLeavesTheKeyBeforeItLeavesPostgresqlAndItsReplacementFollowsTheSlowPath() {
            ClusterView view = cluster().sync("a", 0, "b").build();

            SyncPlanner.Step step = next(on, view, List.of(streaming("c", "0/5000000")), "FIRST 1 (\"b\")", Optional.empty());

            assertThat(step.writeKey()).contains(SyncState.of("a", Set.of(), 0));
            assertThat(step.setStandbyNames()).contains("FIRST 1 (\"c\")");
            assertThat(step.pending()).map(SyncPlanner.Pending::target).contains(new SyncClaim(Set.of("c"), 1));
        }

        @Test
        void withNoHealthyStandbyOnDegradesToAsynchronousButStrictBlocksCommits() {
            ClusterView view = cluster().sync("a", 0, "b").build();

            SyncPlanner.Step on = next(this.on, view, List.of(), "FIRST 1 (\"b\")", Optional.empty());
            assertThat(on.writeKey()).contains(SyncState.of("a", Set.of(), 0));
            assertThat(on.setStandbyNames()).contains("");

            SyncPlanner.Step strict = next(config(SynchronousMode.STRICT, 1), view, List.of(), "FIRST 1 (\"b\")", Optional.empty());
            assertThat(strict.writeKey()).contains(SyncState.of("a", Set.of(), 0));
            assertThat(strict.setStandbyNames()).contains("*");
        }

        @Test
        void aHealthySynchronousStandbyIsKeptEvenWhenAnotherSortsFirst() {
            ClusterView view = cluster().sync("a", 0, "c").build();

            SyncPlanner.Step step = next(on, view, List.of(streaming("b", "0/5000000"), streaming("c", "0/5000000")),
                    "FIRST 1 (\"c\")", Optional.empty());

            assertThat(step.changesNothing()).isTrue();
        }

        @Test
        void aSynchronousStandbyCatchingUpForAMomentIsKeptButANewOneMustStream() {
            ClusterView view = cluster().sync("a", 0, "b").build();
            List<StandbyConnection> connected = List.of(new StandbyConnection("b", "catchup", Optional.empty()),
                    new StandbyConnection("c", "catchup", Optional.empty()));

            assertThat(SyncPlanner.target("a", on, view, connected, new SyncClaim(Set.of("b"), 1)))
                    .isEqualTo(new SyncClaim(Set.of("b"), 1));
            assertThat(SyncPlanner.target("a", on, view, connected, SyncClaim.NONE)).isEqualTo(SyncClaim.NONE);
        }

        @Test
        void nosyncNofailoverStoppedAndNotStreamingMembersAreNeverChosen() {
            ClusterView view = Views.initializedWithLeader("a").with(member("b").nosync(), member("c").nofailover(),
                    member("d").state(io.regent.common.model.PgState.STOPPED), member("e")).sync("a", 0).build();
            List<StandbyConnection> connected = List.of(streaming("b", "0/5000000"), streaming("c", "0/5000000"),
                    streaming("d", "0/5000000"), new StandbyConnection("e", "catchup", Optional.empty()));

            assertThat(SyncPlanner.target("a", config(SynchronousMode.ON, 3), view, connected, SyncClaim.NONE))
                    .isEqualTo(SyncClaim.NONE);
        }

        @Test
        void aKeyLeftByTheFormerLeaderIsReplacedBeforeAnythingElse() {
            ClusterView view = cluster().sync("z", 0, "a").build();

            SyncPlanner.Step step = next(on, view, List.of(streaming("b", "0/5000000")), "*", Optional.empty());

            assertThat(step.writeKey()).contains(SyncState.of("a", Set.of(), 0));
            assertThat(step.setStandbyNames()).contains("FIRST 1 (\"b\")");
        }

        @Test
        void anUnreadableKeyIsOverwrittenOnItsRevisionBeforeAnythingElse() {
            ClusterView view = cluster().sync("", 0).build();

            SyncPlanner.Step step = next(on, view, List.of(streaming("b", "0/5000000")), "FIRST 1 (\"b\")", Optional.empty());

            assertThat(step.writeKey()).contains(SyncState.of("a", Set.of(), 0));
            assertThat(step.expectedRevision()).isEqualTo(77);
        }

        @Test
        void aRestartedServerIsMadeToEnforceWhatTheKeyAlreadyPromises() {
            ClusterView view = cluster().sync("a", 0, "b").build();

            SyncPlanner.Step step = next(on, view, List.of(streaming("b", "0/5000000")), "", Optional.empty());

            assertThat(step.writeKey()).isEmpty();
            assertThat(step.setStandbyNames()).contains("FIRST 1 (\"b\")");
        }
    }

    @Nested
    class Quorum {

        private final HaConfig any1 = config(SynchronousMode.QUORUM, 1);

        @Test
        void aNewMemberJoinsTheKeyBeforePostgresqlCountsItsAcknowledgements() {
            ClusterView view = cluster().sync("a", 1, "b", "c").build();

            SyncPlanner.Step step = next(any1, view, List.of(streaming("b", "0/5000000"), streaming("c", "0/5000000"),
                    streaming("d", "0/1000000")), "ANY 1 (\"b\", \"c\")", Optional.empty());

            assertThat(step.writeKey()).contains(SyncState.of("a", Set.of("b", "c", "d"), 1));
            assertThat(step.setStandbyNames()).contains("ANY 1 (\"b\", \"c\", \"d\")");
            assertThat(step.pending()).isEmpty();
        }

        @Test
        void aLostMemberLeavesPostgresqlFirstAndTheKeyOnceTheOthersHoldEveryCommit() {
            ClusterView view = cluster().sync("a", 1, "b", "c", "d").build();
            List<StandbyConnection> connected = List.of(streaming("b", "0/4000000"), streaming("c", "0/4000000"));

            SyncPlanner.Step step = next(any1, view, connected, "ANY 1 (\"b\", \"c\", \"d\")", Optional.empty());
            assertThat(step.writeKey()).isEmpty();
            assertThat(step.setStandbyNames()).contains("ANY 1 (\"b\", \"c\")");

            SyncClaim target = new SyncClaim(Set.of("b", "c"), 1);
            var recorded = Optional.of(new SyncPlanner.Pending(target, NOW.minusSeconds(5), Optional.of(POSITION)));
            SyncPlanner.Step waiting = next(any1, view, connected, "ANY 1 (\"b\", \"c\")", recorded);
            assertThat(waiting.changesNothing()).isTrue();

            SyncPlanner.Step done = next(any1, view, List.of(streaming("b", "0/4000000"), streaming("c", "0/5000010")),
                    "ANY 1 (\"b\", \"c\")", recorded);
            assertThat(done.writeKey()).contains(SyncState.of("a", Set.of("b", "c"), 1));
        }

        @Test
        void kIsCappedByTheHealthyStandbys() {
            ClusterView view = cluster().build();

            assertThat(SyncPlanner.target("a", config(SynchronousMode.QUORUM, 2), view, List.of(streaming("b", "0/1")), SyncClaim.NONE))
                    .isEqualTo(new SyncClaim(Set.of("b"), 1));
        }
    }

    @Test
    void turningSynchronousReplicationOffClearsTheKeyAndPostgresql() {
        ClusterView view = cluster().sync("a", 0, "b").build();

        SyncPlanner.Step step = next(config(SynchronousMode.OFF, 1), view, List.of(streaming("b", "0/5000000")),
                "FIRST 1 (\"b\")", Optional.empty());

        assertThat(step.writeKey()).contains(SyncState.of("a", Set.of(), 0));
        assertThat(step.setStandbyNames()).contains("");
    }
}
