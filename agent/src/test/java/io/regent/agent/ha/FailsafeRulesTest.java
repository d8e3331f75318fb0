package io.regent.agent.ha;

import static io.regent.agent.ha.Views.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.agent.ha.Decision.AcquireAndPromote;
import io.regent.agent.ha.Decision.Demote;
import io.regent.agent.ha.Decision.KeepLeadingInFailsafe;
import io.regent.agent.ha.Decision.Wait;
import io.regent.common.config.HaConfig;
import io.regent.common.model.ClusterView;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The rules of failsafe_mode, without I/O: the leader's answers from the other members come in as a
 * {@link FailsafeInput.Confirmation}, a standby's last leader call as a {@link FailsafeInput.LeaderCall}.
 * The cluster is node1 (leader), node2 and node3 unless a test says otherwise; ttl 30 s.
 */
class FailsafeRulesTest {

    private static final HaConfig FAILSAFE = new HaConfig(30, 10, 10, 1_048_576L, null, null, null, null, null, true);
    private static final HaConfig NO_FAILSAFE = Views.CONFIG;
    private static final Map<String, String> KEY = Map.of("node1", "http://node1.db:8008/patroni",
            "node2", "http://node2.db:8008/patroni", "node3", "http://node3.db:8008/patroni");

    private static ClusterView lastViewOfLeader(Optional<Map<String, String>> failsafeKey) {
        return Views.initializedWithLeader("node1").with(member("node2"), member("node3")).build().withFailsafe(failsafeKey);
    }

    private static LocalState leaderWithoutEtcd(FailsafeInput.Confirmation confirmation) {
        return Locals.runningPrimary("node1").storeUnreachable(Duration.ofSeconds(7)).build()
                .withFailsafe(FailsafeInput.NONE.withConfirmation(confirmation));
    }

    private static FailsafeInput.Confirmation accepted(String... members) {
        return new FailsafeInput.Confirmation(Set.of(members), Map.of());
    }

    @Nested
    class TheLeaderWithoutEtcd {

        @Test
        void staysPrimaryWhenEveryOtherMemberAccepted() {
            Decision decision = Decider.decide(lastViewOfLeader(Optional.of(KEY)), leaderWithoutEtcd(accepted("node2", "node3")),
                    FAILSAFE);

            assertThat(decision).isInstanceOf(KeepLeadingInFailsafe.class);
            assertThat(decision.reason()).contains("node2, node3 confirmed this leader", "stays primary");
        }

        @Test
        void demotesWhenOneMemberDidNotAnswer() {
            FailsafeInput.Confirmation oneMissing = new FailsafeInput.Confirmation(Set.of("node2", "node3"),
                    Map.of("node3", "ConnectException"));

            Decision decision = Decider.decide(lastViewOfLeader(Optional.of(KEY)), leaderWithoutEtcd(oneMissing), FAILSAFE);

            assertThat(decision).isInstanceOf(Demote.class);
            assertThat(decision.reason()).contains("node3 did not accept (ConnectException)", "demoting before the lease expires");
        }

        @Test
        void demotesWhenAMemberRefusedBecauseItRunsAsPrimary() {
            FailsafeInput.Confirmation refused = new FailsafeInput.Confirmation(Set.of("node2", "node3"),
                    Map.of("node2", "answered 409: running as a primary"));

            Decision decision = Decider.decide(lastViewOfLeader(Optional.of(KEY)), leaderWithoutEtcd(refused), FAILSAFE);

            assertThat(decision).isInstanceOf(Demote.class);
            assertThat(decision.reason()).contains("node2 did not accept (answered 409: running as a primary)");
        }

        @Test
        void demotesWhenAMemberOfTheLastViewMissingFromTheKeyWasNotAsked() {
            // node3 joined after the key was last written: it must be reached all the same
            Map<String, String> olderKey = Map.of("node1", KEY.get("node1"), "node2", KEY.get("node2"));

            Decision decision = Decider.decide(lastViewOfLeader(Optional.of(olderKey)), leaderWithoutEtcd(accepted("node2")),
                    FAILSAFE);

            assertThat(decision).isInstanceOf(Demote.class);
            assertThat(decision.reason()).contains("node3 did not accept (not asked)");
        }

        @Test
        void demotesWhenTheFailsafeKeyDoesNotNameIt() {
            Decision decision = Decider.decide(lastViewOfLeader(Optional.empty()), leaderWithoutEtcd(accepted("node2", "node3")),
                    FAILSAFE);

            assertThat(decision).isInstanceOf(Demote.class);
            assertThat(decision.reason()).contains("the failsafe key does not name it");
        }

        @Test
        void staysOnItsLeaseWhenAMemberDidNotAcceptButTheLeaseOutlastsAnotherAttempt() {
            LocalState longLease = Locals.runningPrimary("node1").storeUnreachable(Duration.ofSeconds(20)).build()
                    .withFailsafe(FailsafeInput.NONE.withConfirmation(accepted("node2")));

            Decision decision = Decider.decide(lastViewOfLeader(Optional.of(KEY)), longLease, FAILSAFE);

            assertThat(decision).isInstanceOf(Decision.KeepLeadingOnLease.class);
        }

        @Test
        void demotesAsAlwaysWhenFailsafeModeIsOff() {
            Decision decision = Decider.decide(lastViewOfLeader(Optional.of(KEY)), leaderWithoutEtcd(accepted("node2", "node3")),
                    NO_FAILSAFE);

            assertThat(decision).isInstanceOf(Demote.class);
            assertThat(decision.reason()).contains("etcd is unreachable, so the leader lease cannot be renewed");
        }

        @Test
        void aSingleMemberClusterStaysPrimaryWithNobodyToAsk() {
            ClusterView alone = Views.initializedWithLeader("node1").build()
                    .withFailsafe(Optional.of(Map.of("node1", KEY.get("node1"))));

            Decision decision = Decider.decide(alone, leaderWithoutEtcd(accepted()), FAILSAFE);

            assertThat(decision).isInstanceOf(KeepLeadingInFailsafe.class);
            assertThat(decision.reason()).contains("no other member to reach");
        }

        @Test
        void asksTheKeyAndTheLastViewButNotItself() {
            Map<String, String> olderKey = Map.of("node1", KEY.get("node1"), "node2", KEY.get("node2"), "gone", "http://gone:8008/patroni");

            assertThat(FailsafeRules.membersToConfirm(lastViewOfLeader(Optional.of(olderKey)), "node1"))
                    .contains(Map.of("node2", KEY.get("node2"), "node3", KEY.get("node3"), "gone", "http://gone:8008/patroni"));
        }
    }

    @Nested
    class AStandby {

        private LocalState standbyCalledBy(String leader, Duration ago) {
            return Locals.runningStandby("node2").configuredFor(Views.upstreamOf(leader)).leaderlessFor(Duration.ofMinutes(1))
                    .build().withFailsafe(new FailsafeInput(Optional.empty(),
                            Optional.of(new FailsafeInput.LeaderCall(leader, "postgres://node1.db:5432/postgres",
                                    "http://node1.db:8008/patroni", ago))));
        }

        private ClusterView leaderKeyExpired() {
            return Views.initializedWithoutLeader().with(member("node1").primary().lsn("0/3000060"), member("node2"),
                    member("node3")).build().withFailsafe(Optional.of(KEY));
        }

        @Test
        void runsNoElectionWhileTheLeaderCalledItLessThanTtlAgo() {
            Decision decision = Decider.decide(leaderKeyExpired(), standbyCalledBy("node1", Duration.ofSeconds(8)), FAILSAFE);

            assertThat(decision).isInstanceOf(Wait.class);
            assertThat(decision.reason()).contains("the leader node1 confirmed over the REST API 8000 ms ago", "no election");
        }

        @Test
        void runsTheElectionOnceTheLastCallIsTtlOld() {
            ClusterView view = Views.initializedWithoutLeader().with(member("node2").lsn("0/3000060"), member("node3"))
                    .build().withFailsafe(Optional.of(KEY));

            Decision decision = Decider.decide(view, standbyCalledBy("node1", Duration.ofSeconds(30)), FAILSAFE);

            assertThat(decision).isNotInstanceOf(Wait.class).isInstanceOf(AcquireAndPromote.class);
        }

        @Test
        void ignoresLeaderCallsWhenFailsafeModeIsOff() {
            ClusterView view = Views.initializedWithoutLeader().with(member("node2").lsn("0/3000060"), member("node3")).build();

            Decision decision = Decider.decide(view, standbyCalledBy("node1", Duration.ofSeconds(1)), NO_FAILSAFE);

            assertThat(decision).isInstanceOf(AcquireAndPromote.class);
        }

        @Test
        void doesNotRunForLeaderWhenTheFailsafeKeyLeavesItOut() {
            ClusterView view = Views.initializedWithoutLeader().with(member("node2").lsn("0/3000060"), member("node3"))
                    .build().withFailsafe(Optional.of(Map.of("node1", KEY.get("node1"), "node3", KEY.get("node3"))));
            LocalState local = Locals.runningStandby("node2").leaderlessFor(Duration.ofMinutes(1)).build();

            Decision decision = Decider.decide(view, local, FAILSAFE);

            assertThat(decision).isInstanceOf(Wait.class);
            assertThat(decision.reason()).contains("not in the failsafe key");
        }

        @Test
        void acceptsTheCallOfTheLeaderItKnowsOrOfAnyLeaderWhenItSeesNone() {
            FailsafeRules.Call call = new FailsafeRules.Call("node1", "postgres://node1.db:5432/postgres", "http://node1.db:8008");

            assertThat(FailsafeRules.refusal(call, "node2", false, Optional.of("node1"))).isEmpty();
            assertThat(FailsafeRules.refusal(call, "node2", false, Optional.empty())).isEmpty();
        }

        @Test
        void refusesTheCallWhileItRunsAsAPrimaryOrTheLeaderKeyNamesAnother() {
            FailsafeRules.Call call = new FailsafeRules.Call("node1", null, null);

            assertThat(FailsafeRules.refusal(call, "node2", true, Optional.of("node1"))).contains("running as a primary");
            assertThat(FailsafeRules.refusal(call, "node2", false, Optional.of("node3")))
                    .contains("the leader key names node3, not node1");
            assertThat(FailsafeRules.refusal(call, "node1", false, Optional.empty())).isPresent();
        }
    }

    @Nested
    class TheFailsafeKey {

        @Test
        void theLeaderWritesEveryMemberWithItsRestApiWhileFailsafeModeIsOn() {
            ClusterView view = lastViewOfLeader(Optional.empty());

            assertThat(FailsafeRules.keyUpdate(view, FAILSAFE, "node1"))
                    .contains(new FailsafeRules.KeyUpdate(Optional.of(KEY)));
        }

        @Test
        void nothingToWriteWhenTheKeyIsCurrent() {
            assertThat(FailsafeRules.keyUpdate(lastViewOfLeader(Optional.of(KEY)), FAILSAFE, "node1")).isEmpty();
        }

        @Test
        void aDepartedMemberLeavesTheKey() {
            ClusterView view = Views.initializedWithLeader("node1").with(member("node2")).build().withFailsafe(Optional.of(KEY));

            assertThat(FailsafeRules.keyUpdate(view, FAILSAFE, "node1")).contains(new FailsafeRules.KeyUpdate(
                    Optional.of(Map.of("node1", KEY.get("node1"), "node2", KEY.get("node2")))));
        }

        @Test
        void theKeyIsDeletedOnceFailsafeModeIsOff() {
            assertThat(FailsafeRules.keyUpdate(lastViewOfLeader(Optional.of(KEY)), NO_FAILSAFE, "node1"))
                    .contains(new FailsafeRules.KeyUpdate(Optional.empty()));
            assertThat(FailsafeRules.keyUpdate(lastViewOfLeader(Optional.empty()), NO_FAILSAFE, "node1")).isEmpty();
        }

        @Test
        void notWrittenBeforeTheLeadersOwnMemberKeyIsThere() {
            ClusterView view = Views.initializedWithLeader("node1").withoutMember("node1").with(member("node2")).build();

            assertThat(FailsafeRules.keyUpdate(view, FAILSAFE, "node1")).isEmpty();
        }
    }
}
