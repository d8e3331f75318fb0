package io.regent.agent.ha;

import static io.regent.agent.ha.Views.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.model.ClusterView;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.PgState;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What an operator hears at once when a switchover or failover cannot be done: each refusal and its reason. */
class OperatorRequestsTest {

    private static final Instant NOW = Locals.NOW;

    /** node1 leads at 0/3000060; node2 and node3 stream from it. */
    private static Views.ViewBuilder healthy() {
        return Views.initializedWithLeader("node1").with(member("node2").streamsFrom("node1").lsn("0/3000060"),
                member("node3").streamsFrom("node1").lsn("0/3000000"));
    }

    record Case(String name, ClusterView view, FailoverRequest request, String refusal) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static FailoverRequest switchover(String leader, String candidate) {
        return FailoverRequest.switchover(leader, Optional.ofNullable(candidate), Optional.empty());
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("a switchover to a healthy standby is accepted", healthy().build(), switchover("node1", "node2"), null),
                new Case("a switchover without a candidate is accepted when one is healthy", healthy().build(),
                        switchover("node1", null), null),
                new Case("a switchover from a member that does not lead", healthy().build(), switchover("node2", "node3"),
                        "node2 is not the leader (the leader is node1)"),
                new Case("a switchover without a leader", Views.initializedWithoutLeader().with(member("node2")).build(),
                        switchover("node1", "node2"), "there is no leader to switch over from"),
                new Case("a switchover to an unknown member", healthy().build(), switchover("node1", "node9"), "no member named node9"),
                new Case("a switchover to a nofailover member", healthy().with(member("node2").streamsFrom("node1").nofailover()).build(),
                        switchover("node1", "node2"), "node2 is tagged nofailover"),
                new Case("a switchover to a stopped member", healthy().with(member("node2").streamsFrom("node1").state(PgState.STOPPED))
                        .build(), switchover("node1", "node2"), "node2 is not a running standby"),
                new Case("a switchover to a lagging member", healthy().with(member("node2").streamsFrom("node1").lsn("0/1000000")).build(),
                        switchover("node1", "node2"), "bytes behind the leader, more than maximum_lag_on_failover"),
                new Case("a switchover to the leader", healthy().build(), switchover("node1", "node1"), "node1 is already the leader"),
                new Case("a switchover while paused", healthy().paused().build(), switchover("node1", "node2"),
                        "the cluster is paused"),
                new Case("a second request while one is pending", healthy().failover(switchover("node1", "node3")).build(),
                        switchover("node1", "node2"), "a switchover is already in progress (to node3)"),
                new Case("a switchover scheduled in the past", healthy().build(),
                        FailoverRequest.switchover("node1", Optional.of("node2"), Optional.of(NOW.minusSeconds(1))), "is not in the future"),
                new Case("a switchover with no healthy standby",
                        Views.initializedWithLeader("node1").with(member("node2").nofailover().streamsFrom("node1")).build(),
                        switchover("node1", null), "no standby is healthy"),
                new Case("a failover to a healthy standby is accepted", healthy().build(), FailoverRequest.failoverTo("node3"), null),
                new Case("a failover without a leader is accepted", Views.initializedWithoutLeader().with(member("node2")).build(),
                        FailoverRequest.failoverTo("node2"), null),
                new Case("a failover to the leader", healthy().build(), FailoverRequest.failoverTo("node1"), "node1 is already the leader"),
                new Case("a failover to an unknown member", healthy().build(), FailoverRequest.failoverTo("node9"), "no member named node9"),
                new Case("a failover to a member far behind the last leader position",
                        Views.initializedWithoutLeader().with(member("node2").lsn("0/1000000")).optime("0/5000000").build(),
                        FailoverRequest.failoverTo("node2"), "more than maximum_lag_on_failover"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusesWithTheReasonOrAccepts(Case c) {
        Optional<String> refusal = c.request().isSwitchover()
                ? OperatorRequests.refuseSwitchover(c.view(), c.request(), NOW, Views.CONFIG)
                : OperatorRequests.refuseFailover(c.view(), c.request().candidate().orElseThrow(), Views.CONFIG);

        if (c.refusal() == null) {
            assertThat(refusal).isEmpty();
        } else {
            assertThat(refusal).hasValueSatisfying(reason -> assertThat(reason).contains(c.refusal()));
        }
    }
}
