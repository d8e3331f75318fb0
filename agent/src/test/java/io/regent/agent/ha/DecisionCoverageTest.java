package io.regent.agent.ha;

import static io.regent.agent.ha.Views.upstreamOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.regent.agent.ha.Decision.AcquireAndPromote;
import io.regent.agent.ha.Decision.Bootstrap;
import io.regent.agent.ha.Decision.CloneFrom;
import io.regent.agent.ha.Decision.Demote;
import io.regent.agent.ha.Decision.DropRequest;
import io.regent.agent.ha.Decision.Reinitialize;
import io.regent.agent.ha.Decision.Reload;
import io.regent.agent.ha.Decision.RestartPostgres;
import io.regent.agent.ha.Decision.RestartStandby;
import io.regent.agent.ha.Decision.Rewind;
import io.regent.agent.ha.Decision.Follow;
import io.regent.agent.ha.Decision.KeepFollowing;
import io.regent.agent.ha.Decision.KeepLeading;
import io.regent.agent.ha.Decision.KeepLeadingInFailsafe;
import io.regent.agent.ha.Decision.KeepLeadingOnLease;
import io.regent.agent.ha.Decision.LeaderTarget;
import io.regent.agent.ha.Decision.StartPostgres;
import io.regent.agent.ha.Decision.StepDown;
import io.regent.agent.ha.Decision.Wait;
import io.regent.agent.postgres.PostgresException;
import io.regent.agent.postgres.TimelineSwitch;
import io.regent.common.config.HaConfig;
import io.regent.common.model.ClusterView;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.HistoryEntry;
import io.regent.common.model.Lsn;
import io.regent.common.model.PgState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Proves that {@link DecisionExecutor} handles every variant of the sealed {@link Decision} (a new variant
 * without a branch would reach its {@code AssertionError}), and pins down the effects of each: which
 * store and PostgreSQL verbs it calls, in which order, on the loop thread or through the {@link JobRunner}.
 */
@Timeout(30)
class DecisionCoverageTest {

    private static final String ME = "node2";
    private static final LeaderTarget NODE1 = new LeaderTarget("node1", upstreamOf("node1"));
    private static final LeaderTarget NODE3 = new LeaderTarget("node3", upstreamOf("node3"));

    private static final Rewind REWIND = new Rewind(NODE1, Lsn.parse("0/3000000"), Lsn.parse("0/3000100"), 1, "diverged");
    private static final String DISCARDED = "store.recordDiscard timeline 1: " + ME + " discarded WAL 0/3000000 to 0/3000100"
            + " of timeline 1 to follow node1";

    /** A switchover to node3 that the operator did not name: name it, stop cleanly, publish the end, release, follow. */
    private static final List<String> STEP_DOWN_EFFECTS = List.of(
            "store.requestFailover {\"leader\":\"" + ME + "\",\"member\":\"node3\"}", "pg.checkpoint", "pg.stop",
            "store.publishStatus " + RecordingPostgresControl.SHUTDOWN_CHECKPOINT, "store.releaseLeader",
            "pg.configure standby upstream=node3.db:5432", "pg.start");
    private static final HaConfig BOOTSTRAP_DCS = new HaConfig(20, 5, 5, 2_097_152L, null, null, null, null, null, null);
    private static final Duration BACKOFF = Duration.ofSeconds(10);
    /** The dynamic configuration the loop hands the executor: primary_start_timeout 7 s, to tell it from the defaults. */
    private static final HaConfig DYNAMIC = new HaConfig(30, 10, 10, 1_048_576L, 7, null, null, null, null, null);
    private static final Instant NOW = Instant.parse("2024-05-01T12:34:56Z");
    /** The history line a promotion by {@link #ME} appends, given {@link RecordingPostgresControl#SWITCH}. */
    private static String historyLine(String reason) {
        return "store.appendHistory [1, 0/3000060, " + reason + ", " + NOW + ", " + ME + "]";
    }

    private static final List<String> BOOTSTRAP_EFFECTS = List.of("store.claimInitialize", "pg.initdb", "pg.start",
            "pg.createReplicationRole", "store.acquireLeader", "store.completeInitialize " + Views.SYSTEM_ID,
            "store.seedConfig ttl=20");

    /** The executor over recording fakes and a real {@link JobRunner} on a clock that only moves on request. */
    static final class Rig implements AutoCloseable {

        final CallLog log = new CallLog();
        final RecordingClusterStore store = new RecordingClusterStore(log);
        final RecordingPostgresControl postgres = new RecordingPostgresControl(log);
        final ManualClock clock = new ManualClock();
        final JobRunner jobs = new JobRunner(clock, BACKOFF, () -> { });
        DecisionExecutor executor = new DecisionExecutor(ME, store, postgres, jobs, BOOTSTRAP_DCS, DecisionExecutor.RepairPolicy.DEFAULT,
                Clock.fixed(NOW, ZoneOffset.UTC));

        /** The same rig, repairing diverged data directories by {@code policy}. */
        Rig repairing(DecisionExecutor.RepairPolicy policy) {
            executor = new DecisionExecutor(ME, store, postgres, jobs, BOOTSTRAP_DCS, policy, Clock.fixed(NOW, ZoneOffset.UTC));
            return this;
        }

        /** Executes on the calling (loop) thread, then waits for the job it submitted, if any, to end. */
        Rig execute(Decision decision, Views.ViewBuilder view, Locals.LocalBuilder local) {
            return execute(decision, view.build(), local.build());
        }

        Rig execute(Decision decision, ClusterView view, LocalState local) {
            return execute(decision, view, local, DYNAMIC);
        }

        Rig execute(Decision decision, ClusterView view, LocalState local, HaConfig config) {
            executor.execute(decision, view, local, config);
            awaitJobEnd();
            return this;
        }

        void awaitJobEnd() {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (jobs.current().filter(job -> !job.failed()).isPresent()) {
                assertThat(System.nanoTime()).as("job still running: %s", jobs.current()).isLessThan(deadline);
                LockSupport.parkNanos(1_000_000);
            }
        }

        @Override
        public void close() {
            jobs.close();
        }
    }

    /** One instance of a variant, the situation it is executed in, and the effects that must follow. */
    record Example(Decision decision, Views.ViewBuilder view, Locals.LocalBuilder local, List<String> effects) {
    }

    private static final Map<Class<? extends Decision>, Example> ONE_OF_EACH = Map.ofEntries(
            Map.entry(Bootstrap.class, new Example(new Bootstrap("the cluster is not initialized"),
                    Views.uninitialized(), Locals.noData(ME), BOOTSTRAP_EFFECTS)),
            Map.entry(CloneFrom.class, new Example(new CloneFrom(NODE1, "no data directory"),
                    Views.initializedWithLeader("node1"), Locals.noData(ME),
                    List.of("pg.basebackup node1.db:5432", "pg.start"))),
            Map.entry(StartPostgres.class, new Example(new StartPostgres(false, Optional.of(NODE1), "PostgreSQL is not running"),
                    Views.initializedWithLeader("node1"), Locals.stopped(ME),
                    List.of("pg.configure standby upstream=node1.db:5432", "pg.start"))),
            Map.entry(AcquireAndPromote.class, new Example(new AcquireAndPromote(true, "the best candidate"),
                    Views.initializedWithoutLeader(), Locals.runningStandby(ME),
                    List.of("store.acquireLeader", "pg.promote", "pg.lastTimelineSwitch", historyLine("the best candidate")))),
            Map.entry(KeepLeading.class, new Example(new KeepLeading("leading"),
                    Views.initializedWithLeader(ME), Locals.runningPrimary(ME).lsn("0/3000060"),
                    List.of("store.renewLeader " + ME, "store.publishStatus 0/3000060"))),
            Map.entry(KeepLeadingInFailsafe.class, new Example(new KeepLeadingInFailsafe("every member confirmed"),
                    Views.initializedWithLeader(ME), Locals.runningPrimary(ME).storeUnreachable(Duration.ofSeconds(5)),
                    List.of())),
            Map.entry(KeepLeadingOnLease.class, new Example(new KeepLeadingOnLease("the lease outlasts another attempt"),
                    Views.initializedWithLeader(ME), Locals.runningPrimary(ME).storeUnreachable(Duration.ofSeconds(25)),
                    List.of())),
            Map.entry(Follow.class, new Example(new Follow(NODE1, "following the new leader"),
                    Views.initializedWithLeader("node1"), Locals.runningStandby(ME).streamingFrom(upstreamOf("node3")),
                    List.of("pg.follow node1.db:5432"))),
            Map.entry(KeepFollowing.class, new Example(new KeepFollowing(NODE1, "streaming from the leader"),
                    Views.initializedWithLeader("node1"), Locals.runningStandby(ME).streamingFrom(upstreamOf("node1")),
                    List.of())),
            Map.entry(RestartStandby.class, new Example(new RestartStandby(NODE1, "the WAL receiver has not streamed"),
                    Views.initializedWithLeader("node1"), Locals.runningStandby(ME).configuredFor(upstreamOf("node1")),
                    List.of("pg.stop", "pg.configure standby upstream=node1.db:5432", "pg.start"))),
            Map.entry(Demote.class, new Example(new Demote(Optional.empty(), "etcd is unreachable"),
                    Views.initializedWithLeader(ME), Locals.runningPrimary(ME).storeUnreachable(Duration.ofSeconds(5)),
                    List.of("pg.stopImmediately", "pg.configure standby upstream=none", "pg.start"))),
            Map.entry(Wait.class, new Example(new Wait("nothing to do"),
                    Views.initializedWithLeader("node1"), Locals.runningStandby(ME), List.of())),
            Map.entry(StepDown.class, new Example(new StepDown(NODE3, true, "switchover requested"),
                    Views.initializedWithLeader(ME), Locals.runningPrimary(ME), STEP_DOWN_EFFECTS)),
            Map.entry(Rewind.class, new Example(REWIND, Views.initializedWithLeader("node1"),
                    Locals.runningStandby(ME).configuredFor(upstreamOf("node1")),
                    List.of("pg.stop", "pg.rewind node1.db:5432", DISCARDED + " (pg_rewind)",
                            "pg.configure standby upstream=node1.db:5432", "pg.start"))),
            Map.entry(RestartPostgres.class, new Example(new RestartPostgres(false, Optional.of(NODE1), "restart requested"),
                    Views.initializedWithLeader("node1"), Locals.runningStandby(ME).asked(LocalRequests.Kind.RESTART),
                    List.of("pg.stop", "pg.configure standby upstream=node1.db:5432", "pg.start"))),
            Map.entry(Reinitialize.class, new Example(new Reinitialize(NODE1, "reinitialize requested"),
                    Views.initializedWithLeader("node1"), Locals.runningStandby(ME).asked(LocalRequests.Kind.REINITIALIZE),
                    List.of("pg.stop", "pg.moveDataDirectoryAside", "pg.basebackup node1.db:5432", "pg.start"))),
            Map.entry(Reload.class, new Example(new Reload(Optional.of(upstreamOf("node1")), true, "reload requested"),
                    Views.initializedWithLeader("node1"), Locals.runningStandby(ME).asked(LocalRequests.Kind.RELOAD),
                    List.of("pg.configure standby upstream=node1.db:5432", "pg.reload"))),
            Map.entry(DropRequest.class, new Example(new DropRequest("no member named node9"),
                    Views.initializedWithLeader(ME).failover(FailoverRequest.failoverTo("node9")), Locals.runningPrimary(ME),
                    List.of("store.clearFailover"))));

    @TestFactory
    Stream<DynamicTest> everyVariantOfDecisionIsHandledByTheExecutor() {
        Class<?>[] variants = Decision.class.getPermittedSubclasses();
        assertThat(variants).as("Decision must stay a sealed interface").isNotNull().isNotEmpty();
        return Arrays.stream(variants).map(variant -> dynamicTest(variant.getSimpleName(), () -> {
            Example example = ONE_OF_EACH.get(variant);
            assertThat(example).as("no example for %s: add one to ONE_OF_EACH, and a branch to DecisionExecutor",
                    variant.getSimpleName()).isNotNull();
            assertThat(example.decision()).isInstanceOf(variant);
            try (Rig rig = new Rig()) {
                assertThatCode(() -> rig.execute(example.decision(), example.view(), example.local()))
                        .as("executing %s", example.decision()).doesNotThrowAnyException();
                assertThat(rig.log.calls()).as("effects of %s", variant.getSimpleName())
                        .containsExactlyElementsOf(example.effects());
                assertThat(rig.jobs.current()).as("job state after %s", variant.getSimpleName()).isEmpty();
            }
        }));
    }

    @Nested
    class Bootstrapping {

        @Test
        void claimsInitializeThenInitializesStartsTakesTheLeaderKeyAndRecordsTheSystemIdentifier() {
            try (Rig rig = new Rig()) {
                rig.execute(new Bootstrap("not initialized"), Views.uninitialized(), Locals.noData(ME));

                assertThat(rig.log.calls()).containsExactlyElementsOf(BOOTSTRAP_EFFECTS);
            }
        }

        @Test
        void runsAsAJobThatImpliesInitializingWhileItRuns() {
            try (Rig rig = new Rig()) {
                CountDownLatch release = new CountDownLatch(1);
                rig.postgres.hold("initdb", release);

                rig.executor.execute(new Bootstrap("not initialized"), Views.uninitialized().build(), Locals.noData(ME).build(),
                        DYNAMIC);

                assertThat(rig.jobs.current()).hasValueSatisfying(job -> {
                    assertThat(job.description()).isEqualTo("bootstrap of a new cluster in progress");
                    assertThat(job.impliedState()).isEqualTo(PgState.INITIALIZING);
                    assertThat(job.failed()).isFalse();
                });
                release.countDown();
                rig.awaitJobEnd();
                assertThat(rig.jobs.current()).isEmpty();
            }
        }

        @Test
        void losingTheClaimToAnotherMemberDoesNothingElse() {
            try (Rig rig = new Rig()) {
                rig.store.refuse("claimInitialize");

                rig.execute(new Bootstrap("not initialized"), Views.uninitialized(), Locals.noData(ME));

                assertThat(rig.log.calls()).containsExactly("store.claimInitialize");
                assertThat(rig.jobs.current()).isEmpty();
            }
        }

        @Test
        void aFailedStartDiscardsTheNewDataDirectoryAndCancelsTheClaim() {
            try (Rig rig = new Rig()) {
                rig.postgres.fail("start");

                rig.execute(new Bootstrap("not initialized"), Views.uninitialized(), Locals.noData(ME));

                assertThat(rig.log.calls()).containsExactly("store.claimInitialize", "pg.initdb", "pg.start",
                        "pg.discardNewDataDirectory", "store.releaseLeader", "store.cancelInitialize");
                assertThat(rig.jobs.current()).hasValueSatisfying(job -> {
                    assertThat(job.description()).isEqualTo("backing off after a failed bootstrap of a new cluster");
                    assertThat(job.impliedState()).isEqualTo(PgState.STOPPED);
                    assertThat(job.failed()).isTrue();
                });
            }
        }

        @Test
        void losingTheLeaderKeyDuringBootstrapUndoesIt() {
            try (Rig rig = new Rig()) {
                rig.store.refuse("acquireLeader");

                rig.execute(new Bootstrap("not initialized"), Views.uninitialized(), Locals.noData(ME));

                assertThat(rig.log.calls()).containsExactly("store.claimInitialize", "pg.initdb", "pg.start",
                        "pg.createReplicationRole", "store.acquireLeader", "pg.discardNewDataDirectory",
                        "store.releaseLeader", "store.cancelInitialize");
                assertThat(rig.log.calls()).doesNotContain("store.completeInitialize " + Views.SYSTEM_ID);
            }
        }

        @Test
        void aMissingSystemIdentifierFailsTheBootstrapBeforeTheLeaderKeyIsTaken() {
            try (Rig rig = new Rig()) {
                rig.postgres.withoutSystemIdentifier();

                rig.execute(new Bootstrap("not initialized"), Views.uninitialized(), Locals.noData(ME));

                assertThat(rig.log.calls()).containsExactly("store.claimInitialize", "pg.initdb", "pg.start",
                        "pg.createReplicationRole", "pg.discardNewDataDirectory", "store.releaseLeader",
                        "store.cancelInitialize");
            }
        }

        /**
         * Fails against the current executor: its catch block calls releaseLeader() then cancelInitialize() with
         * nothing between them, so when releaseLeader throws (etcd trouble is the likely reason the bootstrap
         * failed in the first place) the claim is never cancelled. The initialize key has no lease, so it stays
         * "" and every member without data waits "another member is initializing the cluster" forever.
         */
        @Test
        void aFailedBootstrapCancelsTheClaimEvenWhenReleasingTheLeaderKeyFails() {
            try (Rig rig = new Rig()) {
                rig.postgres.fail("start");
                rig.store.fail("releaseLeader");

                rig.execute(new Bootstrap("not initialized"), Views.uninitialized(), Locals.noData(ME));

                assertThat(rig.log.calls()).contains("pg.discardNewDataDirectory", "store.cancelInitialize");
            }
        }
    }

    @Nested
    class TakingTheLeaderKey {

        @Test
        void aStandbyTakesTheKeyThenPromotes() {
            try (Rig rig = new Rig()) {
                rig.execute(new AcquireAndPromote(true, "best candidate"), Views.initializedWithoutLeader(),
                        Locals.runningStandby(ME));

                assertThat(rig.log.calls()).containsExactly("store.acquireLeader", "pg.promote", "pg.lastTimelineSwitch",
                        historyLine("best candidate"));
            }
        }

        @Test
        void inSynchronousModeTheNewLeaderWithdrawsTheOldPromiseAndMakesCommitsWaitBeforePromoting() {
            HaConfig on = new HaConfig(30, 10, 10, 1_048_576L, 7, null, null, io.regent.common.config.SynchronousMode.ON, 1, null);
            try (Rig rig = new Rig()) {
                rig.execute(new AcquireAndPromote(true, "the synchronous standby"),
                        Views.initializedWithoutLeader().sync("node1", 0, ME).build(), Locals.runningStandby(ME).build(), on);

                assertThat(rig.log.calls()).startsWith("store.acquireLeader",
                        "store.writeSync {\"leader\":\"" + ME + "\",\"sync_standby\":\"\"} if at 77",
                        "pg.setSynchronousStandbyNames '*'", "pg.promote");
            }
        }

        @Test
        void aMemberThatAlreadyHoldsTheKeyRenewsItInsteadOfCreatingIt() {
            try (Rig rig = new Rig()) {
                rig.execute(new AcquireAndPromote(true, "holds the key as a standby"), Views.initializedWithLeader(ME),
                        Locals.runningStandby(ME));

                assertThat(rig.log.calls()).containsExactly("store.renewLeader " + ME, "pg.promote", "pg.lastTimelineSwitch",
                        historyLine("holds the key as a standby"));
            }
        }

        @Test
        void aPrimaryTakesTheKeyWithoutPromoting() {
            try (Rig rig = new Rig()) {
                rig.execute(new AcquireAndPromote(false, "best candidate"), Views.initializedWithoutLeader(),
                        Locals.runningPrimary(ME));

                assertThat(rig.log.calls()).as("no promotion, so no timeline switch to record")
                        .containsExactly("store.acquireLeader");
            }
        }

        @Test
        void losingTheRaceForTheKeyMeansNoPromotion() {
            try (Rig rig = new Rig()) {
                rig.store.refuse("acquireLeader");

                rig.execute(new AcquireAndPromote(true, "best candidate"), Views.initializedWithoutLeader(),
                        Locals.runningStandby(ME));

                assertThat(rig.log.calls()).containsExactly("store.acquireLeader");
            }
        }

        @Test
        void aKeyThatNoLongerNamesThisMemberMeansNoPromotion() {
            try (Rig rig = new Rig()) {
                rig.store.refuse("renewLeader");

                rig.execute(new AcquireAndPromote(true, "holds the key as a standby"), Views.initializedWithLeader(ME),
                        Locals.runningStandby(ME));

                assertThat(rig.log.calls()).containsExactly("store.renewLeader " + ME);
            }
        }
    }

    @Nested
    class RecordingThePromotion {

        private static final String REASON = "no leader; this member is the best candidate (timeline 1, lsn 0/3000060)";

        @Test
        void appendsThePreviousTimelineItsSwitchPointTheReasonTheTimeAndThisMemberAfterPromoting() {
            try (Rig rig = new Rig()) {
                rig.execute(new AcquireAndPromote(true, REASON), Views.initializedWithoutLeader(), Locals.runningStandby(ME));

                assertThat(rig.log.calls()).containsExactly("store.acquireLeader", "pg.promote", "pg.lastTimelineSwitch",
                        historyLine(REASON));
                assertThat(rig.store.history()).containsExactly(
                        new HistoryEntry(1, Lsn.parse("0/3000060"), REASON, NOW, ME));
            }
        }

        @Test
        void theEntryTakesTimelineAndSwitchPointFromTheServersHistoryFileButTheReasonFromTheDecision() {
            try (Rig rig = new Rig()) {
                rig.postgres.lastTimelineSwitchIs(Optional.of(
                        new TimelineSwitch(4, Lsn.parse("1/5000A28"), "no recovery target specified")));

                rig.execute(new AcquireAndPromote(true, REASON), Views.initializedWithoutLeader(), Locals.runningStandby(ME));

                assertThat(rig.store.history()).containsExactly(
                        new HistoryEntry(4, Lsn.parse("1/5000A28"), REASON, NOW, ME));
            }
        }

        @Test
        void aFailingAppendNeitherUndoesNorFailsThePromotion() {
            try (Rig rig = new Rig()) {
                rig.store.fail("appendHistory");

                // without an initialize key the executor also records the system identifier after promoting
                assertThatCode(() -> rig.execute(new AcquireAndPromote(true, REASON), Views.uninitialized(),
                        Locals.runningStandby(ME))).doesNotThrowAnyException();

                assertThat(rig.log.calls()).containsExactly("store.acquireLeader", "pg.promote", "pg.lastTimelineSwitch",
                        historyLine(REASON), "store.completeInitialize " + Views.SYSTEM_ID);
                assertThat(rig.store.history()).isEmpty();
                assertThat(rig.jobs.current()).as("no demotion or restart was started").isEmpty();
            }
        }

        @Test
        void aFailingReadOfTheTimelineHistoryNeitherUndoesNorFailsThePromotion() {
            try (Rig rig = new Rig()) {
                rig.postgres.fail("lastTimelineSwitch");

                assertThatCode(() -> rig.execute(new AcquireAndPromote(true, REASON), Views.uninitialized(),
                        Locals.runningStandby(ME))).doesNotThrowAnyException();

                assertThat(rig.log.calls()).containsExactly("store.acquireLeader", "pg.promote", "pg.lastTimelineSwitch",
                        "store.completeInitialize " + Views.SYSTEM_ID);
            }
        }

        @Test
        void noTimelineSwitchMeansNoHistoryLine() {
            try (Rig rig = new Rig()) {
                rig.postgres.lastTimelineSwitchIs(Optional.empty());

                rig.execute(new AcquireAndPromote(true, REASON), Views.initializedWithoutLeader(), Locals.runningStandby(ME));

                assertThat(rig.log.calls()).containsExactly("store.acquireLeader", "pg.promote", "pg.lastTimelineSwitch");
            }
        }

        @Test
        void aFailedPromotionRecordsNothing() {
            try (Rig rig = new Rig()) {
                rig.postgres.fail("promote");

                assertThatThrownBy(() -> rig.execute(new AcquireAndPromote(true, REASON), Views.initializedWithoutLeader(),
                        Locals.runningStandby(ME))).isInstanceOf(PostgresException.class);

                assertThat(rig.log.calls()).containsExactly("store.acquireLeader", "pg.promote");
                assertThat(rig.store.history()).isEmpty();
            }
        }
    }

    @Nested
    class RestartingTheLeader {

        private static final StartPostgres RESTART = new StartPostgres(true, Optional.empty(),
                "PostgreSQL of the leader is not running; restarting it in place as the primary");

        @Test
        void configuresAPrimaryThenStartsItBoundedByTheDynamicPrimaryStartTimeout() {
            try (Rig rig = new Rig()) {
                rig.execute(RESTART, Views.initializedWithLeader(ME), Locals.stopped(ME));

                assertThat(rig.log.calls()).containsExactly("pg.configure primary upstream=none", "pg.start timeout=7s");
                assertThat(rig.jobs.current()).isEmpty();
            }
        }

        @Test
        void runsAsAJobThatImpliesStartingAndLeavesTheKeyAlone() {
            try (Rig rig = new Rig()) {
                CountDownLatch release = new CountDownLatch(1);
                rig.postgres.hold("start", release);

                rig.executor.execute(RESTART, Views.initializedWithLeader(ME).build(), Locals.stopped(ME).build(), DYNAMIC);

                assertThat(rig.jobs.current()).hasValueSatisfying(job -> {
                    assertThat(job.description()).isEqualTo("restart of the leader's PostgreSQL in progress");
                    assertThat(job.impliedState()).isEqualTo(PgState.STARTING);
                    assertThat(job.failed()).isFalse();
                });
                release.countDown();
                rig.awaitJobEnd();
                assertThat(rig.log.calls()).noneMatch(call -> call.startsWith("store."));
            }
        }

        @Test
        void aFailedRestartStopsTheHalfStartedServerAndBacksOffWithoutReleasingTheKey() {
            try (Rig rig = new Rig()) {
                rig.postgres.fail("start");

                rig.execute(RESTART, Views.initializedWithLeader(ME), Locals.stopped(ME));

                // a start that fails fast is retried until primary_start_timeout (7 s) has passed, then stopped
                assertThat(rig.log.calls()).startsWith("pg.configure primary upstream=none", "pg.start timeout=7s")
                        .endsWith("pg.stop");
                assertThat(rig.log.calls().stream().filter(call -> call.startsWith("pg.start")).count())
                        .isGreaterThanOrEqualTo(3);
                assertThat(rig.jobs.current()).hasValueSatisfying(job -> {
                    assertThat(job.description()).isEqualTo("backing off after a failed restart of the leader's PostgreSQL");
                    assertThat(job.impliedState()).isEqualTo(PgState.STOPPED);
                    assertThat(job.failed()).isTrue();
                });
            }
        }

        @Test
        void theDemoteAfterAFailedRestartReleasesTheKeyAndStartsAStandbyDuringTheBackOff() {
            try (Rig rig = new Rig()) {
                rig.postgres.fail("start");
                rig.execute(RESTART, Views.initializedWithLeader(ME), Locals.stopped(ME));
                assertThat(rig.jobs.current()).hasValueSatisfying(job -> assertThat(job.failed()).isTrue());
                rig.postgres.heal("start");
                rig.log.clear();

                assertThatCode(() -> rig.execute(new Demote(Optional.empty(), "did not come back within primary_start_timeout"),
                        Views.initializedWithLeader(ME),
                        Locals.stopped(ME).backingOff("backing off after a failed restart of the leader's PostgreSQL",
                                PgState.STOPPED))).doesNotThrowAnyException();

                assertThat(rig.log.calls()).containsExactly("pg.stop", "store.releaseLeader",
                        "pg.configure standby upstream=none", "pg.start");
                assertThat(rig.jobs.current()).as("the standby start replaced the back-off, and succeeded").isEmpty();
            }
        }
    }

    @Nested
    class Leading {

        @Test
        void renewsTheKeyEveryCycleButPublishesThePositionOnlyWhenItMoves() {
            try (Rig rig = new Rig()) {
                Views.ViewBuilder view = Views.initializedWithLeader(ME);

                rig.execute(new KeepLeading("leading"), view, Locals.runningPrimary(ME).lsn("0/3000060"));
                rig.execute(new KeepLeading("leading"), view, Locals.runningPrimary(ME).lsn("0/3000060"));
                rig.execute(new KeepLeading("leading"), view, Locals.runningPrimary(ME).lsn("0/3000100"));

                assertThat(rig.log.calls()).containsExactly(
                        "store.renewLeader " + ME, "store.publishStatus 0/3000060",
                        "store.renewLeader " + ME,
                        "store.renewLeader " + ME, "store.publishStatus 0/3000100");
            }
        }

        @Test
        void aPositionRefusedBecauseTheKeyNamesAnotherIsNotTakenAsPublished() {
            try (Rig rig = new Rig()) {
                Views.ViewBuilder view = Views.initializedWithLeader(ME);
                rig.store.refuse("publishStatus");

                rig.execute(new KeepLeading("leading"), view, Locals.runningPrimary(ME).lsn("0/3000060"));
                rig.execute(new KeepLeading("leading"), view, Locals.runningPrimary(ME).lsn("0/3000060"));

                assertThat(rig.log.calls()).containsExactly(
                        "store.renewLeader " + ME, "store.publishStatus 0/3000060",
                        "store.renewLeader " + ME, "store.publishStatus 0/3000060");
            }
        }
    }

    @Nested
    class Following {

        @Test
        void followPointsTheRunningStandbyAtTheLeaderWithoutARestart() {
            try (Rig rig = new Rig()) {
                rig.execute(new Follow(NODE1, "following"), Views.initializedWithLeader("node1"), Locals.runningStandby(ME));

                assertThat(rig.log.calls()).containsExactly("pg.follow node1.db:5432");
                assertThat(rig.jobs.current()).isEmpty();
            }
        }

        @Test
        void cloneTakesABaseBackupFromTheLeaderThenStarts() {
            try (Rig rig = new Rig()) {
                rig.execute(new CloneFrom(NODE1, "no data"), Views.initializedWithLeader("node1"), Locals.noData(ME));

                assertThat(rig.log.calls()).containsExactly("pg.basebackup node1.db:5432", "pg.start");
            }
        }

        @Test
        void aFailedCloneBacksOff() {
            try (Rig rig = new Rig()) {
                rig.postgres.fail("basebackup");

                rig.execute(new CloneFrom(NODE1, "no data"), Views.initializedWithLeader("node1"), Locals.noData(ME));

                assertThat(rig.log.calls()).containsExactly("pg.basebackup node1.db:5432");
                assertThat(rig.jobs.current()).hasValueSatisfying(job -> assertThat(job.description())
                        .isEqualTo("backing off after a failed clone from node1 (node1.db:5432)"));
            }
        }

        @Test
        void aStartWithoutAKnownLeaderConfiguresAStandbyWithNoUpstream() {
            try (Rig rig = new Rig()) {
                rig.execute(new StartPostgres(false, Optional.empty(), "not running"), Views.initializedWithoutLeader(),
                        Locals.stopped(ME));

                assertThat(rig.log.calls()).containsExactly("pg.configure standby upstream=none", "pg.start");
            }
        }
    }

    @Nested
    class KeepingTheHistory {

        @Test
        void aLeaderOnATimelineTheHistoryDoesNotShowRecordsItsPromotion() {
            try (Rig rig = new Rig()) {
                rig.execute(new KeepLeading("leading"), Views.initializedWithLeader(ME),
                        Locals.runningPrimary(ME).timeline(2).lsn("0/3000060"));

                assertThat(rig.log.calls()).containsExactly("store.renewLeader " + ME, "pg.lastTimelineSwitch",
                        historyLine("timeline 2 was not recorded in the history"), "store.publishStatus 0/3000060");
            }
        }

        @Test
        void aRecordedTimelineIsNotRecordedAgain() {
            try (Rig rig = new Rig()) {
                rig.execute(new KeepLeading("leading"), Views.initializedWithLeader(ME).history(1, "0/3000060", ME),
                        Locals.runningPrimary(ME).timeline(2).lsn("0/3000060"));

                assertThat(rig.log.calls()).containsExactly("store.renewLeader " + ME, "store.publishStatus 0/3000060");
            }
        }
    }

    @Nested
    class RepairingADivergedMember {

        @Test
        void aFailedRewindMovesTheDataDirectoryAsideAndClonesAfresh() {
            try (Rig rig = new Rig()) {
                rig.postgres.fail("rewind");

                rig.execute(REWIND, Views.initializedWithLeader("node1"), Locals.runningStandby(ME));

                assertThat(rig.log.calls()).containsExactly("pg.stop", "pg.rewind node1.db:5432", "pg.moveDataDirectoryAside",
                        DISCARDED + " (pg_rewind failed, cloned afresh; the old data directory is kept at "
                                + RecordingPostgresControl.ASIDE + ")",
                        "pg.basebackup node1.db:5432", "pg.start");
                assertThat(rig.jobs.current()).isEmpty();
            }
        }

        @Test
        void withRewindOffTheMemberIsClonedAfreshDirectly() {
            try (Rig rig = new Rig().repairing(new DecisionExecutor.RepairPolicy(false, true))) {
                rig.execute(REWIND, Views.initializedWithLeader("node1"), Locals.runningStandby(ME));

                assertThat(rig.log.calls()).containsExactly("pg.stop", "pg.moveDataDirectoryAside",
                        DISCARDED + " (cloned afresh; the old data directory is kept at " + RecordingPostgresControl.ASIDE + ")",
                        "pg.basebackup node1.db:5432", "pg.start");
            }
        }

        @Test
        void withReinitOffAFailedRewindLeavesTheDataDirectoryAloneAndBacksOff() {
            try (Rig rig = new Rig().repairing(new DecisionExecutor.RepairPolicy(true, false))) {
                rig.postgres.fail("rewind");

                rig.execute(REWIND, Views.initializedWithLeader("node1"), Locals.runningStandby(ME));

                assertThat(rig.log.calls()).containsExactly("pg.stop", "pg.rewind node1.db:5432");
                assertThat(rig.jobs.current()).hasValueSatisfying(job -> assertThat(job.failed()).isTrue());
            }
        }
    }

    @Nested
    class HandingOver {

        @Test
        void aNamedCandidateIsNotWrittenAgain() {
            try (Rig rig = new Rig()) {
                rig.execute(new StepDown(NODE3, false, "switchover to node3"),
                        Views.initializedWithLeader(ME).failover(FailoverRequest.switchover(ME, Optional.of("node3"), Optional.empty())),
                        Locals.runningPrimary(ME));

                assertThat(rig.log.calls()).containsExactlyElementsOf(STEP_DOWN_EFFECTS.subList(1, STEP_DOWN_EFFECTS.size()));
            }
        }

        @Test
        void aFailedCheckpointDoesNotStopTheSwitchover() {
            try (Rig rig = new Rig()) {
                rig.postgres.fail("checkpoint");

                rig.execute(new StepDown(NODE3, true, "switchover"), Views.initializedWithLeader(ME), Locals.runningPrimary(ME));

                assertThat(rig.log.calls()).containsExactlyElementsOf(STEP_DOWN_EFFECTS);
            }
        }

        @Test
        void aStopThatFailsKeepsTheLeaderKey() {
            try (Rig rig = new Rig()) {
                rig.postgres.fail("stop");

                assertThatThrownBy(() -> rig.execute(new StepDown(NODE3, false, "switchover"), Views.initializedWithLeader(ME),
                        Locals.runningPrimary(ME))).isInstanceOf(PostgresException.class);

                assertThat(rig.log.calls()).containsExactly("pg.checkpoint", "pg.stop");
            }
        }

        @Test
        void theNewLeaderDeletesTheRequestItCarriedOut() {
            try (Rig rig = new Rig()) {
                rig.execute(new AcquireAndPromote(true, "switchover requested to this member"),
                        Views.initializedWithoutLeader().failover(FailoverRequest.switchover("node1", Optional.of(ME), Optional.empty())),
                        Locals.runningStandby(ME));

                assertThat(rig.log.calls()).containsExactly("store.acquireLeader", "pg.promote", "pg.lastTimelineSwitch",
                        historyLine("switchover requested to this member"), "store.clearFailover");
            }
        }
    }

    @Nested
    class Demoting {

        @Test
        void aLeaderStopsWritesBeforeItReleasesTheKeyThenRestartsAsAStandbyInAJob() {
            try (Rig rig = new Rig()) {
                rig.execute(new Demote(Optional.empty(), "a better leader exists"), Views.initializedWithLeader(ME),
                        Locals.runningPrimary(ME));

                assertThat(rig.log.calls()).containsExactly("pg.stop", "store.releaseLeader",
                        "pg.configure standby upstream=none", "pg.start");
            }
        }

        @Test
        void stopsBeforeExecuteReturns() {
            try (Rig rig = new Rig()) {
                CountDownLatch release = new CountDownLatch(1);
                rig.postgres.hold("configure", release);

                rig.executor.execute(new Demote(Optional.of(NODE1), "another leader"),
                        Views.initializedWithLeader("node1").build(), Locals.runningPrimary(ME).build(), DYNAMIC);

                assertThat(rig.log.calls()).containsExactly("pg.stop");
                assertThat(rig.jobs.current()).hasValueSatisfying(job -> {
                    assertThat(job.description()).isEqualTo("restart as a standby in progress");
                    assertThat(job.impliedState()).isEqualTo(PgState.STARTING);
                });
                release.countDown();
                rig.awaitJobEnd();
                assertThat(rig.log.calls()).containsExactly("pg.stop", "pg.configure standby upstream=node1.db:5432",
                        "pg.start");
            }
        }

        @Test
        void aPrimaryWithoutTheKeyDoesNotTouchTheOtherLeadersKey() {
            try (Rig rig = new Rig()) {
                rig.execute(new Demote(Optional.of(NODE1), "another leader"), Views.initializedWithLeader("node1"),
                        Locals.runningPrimary(ME));

                assertThat(rig.log.calls()).containsExactly("pg.stop", "pg.configure standby upstream=node1.db:5432",
                        "pg.start");
            }
        }

        @Test
        void restartsAsAStandbyEvenWhenTheKeyCannotBeReleased() {
            try (Rig rig = new Rig()) {
                rig.store.fail("releaseLeader");

                rig.execute(new Demote(Optional.empty(), "a better leader exists"), Views.initializedWithLeader(ME),
                        Locals.runningPrimary(ME));

                assertThat(rig.log.calls()).containsExactly("pg.stop", "store.releaseLeader",
                        "pg.configure standby upstream=none", "pg.start");
            }
        }

        @Test
        void doesNotSpendTheLeaseOnEtcdCallsOrAWaitForWalsendersWhenEtcdIsUnreachable() {
            try (Rig rig = new Rig()) {
                rig.execute(new Demote(Optional.empty(), "etcd is unreachable"), Views.initializedWithLeader(ME),
                        Locals.runningPrimary(ME).storeUnreachable(Duration.ofSeconds(2)));

                // immediate: a fast shutdown waits for walsenders whose standbys may be unreachable too
                assertThat(rig.log.calls()).containsExactly("pg.stopImmediately", "pg.configure standby upstream=none", "pg.start");
            }
        }
    }
}
