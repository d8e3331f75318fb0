package io.regent.agent.ha;

import static io.regent.agent.ha.Views.upstreamOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.agent.ha.Decision.AcquireAndPromote;
import io.regent.agent.ha.Decision.Demote;
import io.regent.agent.ha.Decision.Follow;
import io.regent.agent.ha.Decision.KeepFollowing;
import io.regent.agent.ha.Decision.KeepLeading;
import io.regent.agent.ha.Decision.Wait;
import io.regent.agent.postgres.PgProbe;
import io.regent.agent.postgres.Upstream;
import io.regent.common.model.ClusterView;
import io.regent.common.model.LeaderLock;
import io.regent.common.model.Lsn;
import io.regent.common.model.Member;
import io.regent.common.model.PgState;
import io.regent.common.model.Role;
import io.regent.common.model.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several agents deciding over the same cluster, in memory. The property under test is the one the
 * whole design rests on: after a leader loss exactly one member runs for leader, and it is the best one.
 *
 * <p>{@link OneSnapshot} gives every agent the same settled snapshot; {@link RoundByRound} plays the
 * loop's cycles (read snapshot, publish own key, decide, carry out) against a shared in-memory store, with
 * crashed and isolated members, in the spirit of raft's {@code network.isolate}.
 */
class ElectionSimulationTest {

    /** A member's position at the leader loss. */
    record Candidate(String name, int timeline, String lsn, int priority, boolean nofailover, String location) {

        static Candidate at(String name, int timeline, String lsn) {
            return new Candidate(name, timeline, lsn, Tags.DEFAULT_PRIORITY, false, Tags.DEFAULT_LOCATION);
        }

        Candidate priority(int newPriority) {
            return new Candidate(name, timeline, lsn, newPriority, nofailover, location);
        }

        Candidate taggedNofailover() {
            return new Candidate(name, timeline, lsn, priority, true, location);
        }

        Candidate in(String newLocation) {
            return new Candidate(name, timeline, lsn, priority, nofailover, newLocation);
        }

        Views.MemberBuilder published() {
            Views.MemberBuilder member = Views.member(name).timeline(timeline).lsn(lsn).priority(priority).location(location);
            return nofailover ? member.nofailover() : member;
        }

        /** Every agent saw the same former leader, in {@code formerLeaderLocation} when known. */
        Locals.LocalBuilder local(Optional<String> formerLeaderLocation) {
            Locals.LocalBuilder local = Locals.runningStandby(name).timeline(timeline).lsn(lsn).priority(priority)
                    .location(location).configuredFor(upstreamOf("node0")).leaderlessFor(Duration.ofSeconds(30));
            formerLeaderLocation.ifPresent(local::formerLeaderIn);
            return nofailover ? local.nofailover() : local;
        }
    }

    /** A race after the loss of a leader whose location every agent knows, when {@code formerLeaderLocation} is set. */
    record Race(String name, List<Candidate> candidates, String expectedWinner, Optional<String> formerLeaderLocation) {

        Race(String name, List<Candidate> candidates, String expectedWinner) {
            this(name, candidates, expectedWinner, Optional.empty());
        }

        Race formerLeaderIn(String location) {
            return new Race(name, candidates, expectedWinner, Optional.of(location));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @Nested
    class OneSnapshot {

        static Stream<Race> races() {
            return Stream.of(
                    new Race("the member with the most WAL wins",
                            List.of(Candidate.at("node1", 2, "0/3000000"), Candidate.at("node2", 2, "0/3000100"),
                                    Candidate.at("node3", 2, "0/3000050")), "node2"),
                    new Race("a higher timeline beats more WAL",
                            List.of(Candidate.at("node1", 3, "0/2000000"), Candidate.at("node2", 2, "0/9000000"),
                                    Candidate.at("node3", 2, "0/9000100")), "node1"),
                    new Race("with equal WAL the highest priority wins",
                            List.of(Candidate.at("node1", 2, "0/3000000").priority(50),
                                    Candidate.at("node2", 2, "0/3000000").priority(150),
                                    Candidate.at("node3", 2, "0/3000000")), "node2"),
                    new Race("more WAL beats a higher priority",
                            List.of(Candidate.at("node1", 2, "0/3000000").priority(1000),
                                    Candidate.at("node2", 2, "0/3000001"),
                                    Candidate.at("node3", 2, "0/3000000")), "node2"),
                    new Race("a full tie goes to the earliest name, and only to it",
                            List.of(Candidate.at("node3", 2, "0/3000000"), Candidate.at("node1", 2, "0/3000000"),
                                    Candidate.at("node2", 2, "0/3000000")), "node1"),
                    new Race("a tie on WAL and priority between two of three goes to the earlier name",
                            List.of(Candidate.at("node1", 2, "0/2000000"), Candidate.at("node2", 2, "0/3000000"),
                                    Candidate.at("node3", 2, "0/3000000")), "node2"),
                    new Race("the best member tagged nofailover leaves the race to the runner-up",
                            List.of(Candidate.at("node1", 2, "0/3000000"), Candidate.at("node2", 2, "0/9000000").taggedNofailover(),
                                    Candidate.at("node3", 2, "0/3000010")), "node3"),
                    new Race("with equal WAL and priority the member beside the former leader wins over earlier names elsewhere",
                            List.of(Candidate.at("node1", 2, "0/3000000").in("dc2"), Candidate.at("node2", 2, "0/3000000").in("dc2"),
                                    Candidate.at("node3", 2, "0/3000000").in("dc1")), "node3").formerLeaderIn("dc1"),
                    new Race("between two members beside the former leader the earlier name wins",
                            List.of(Candidate.at("node1", 2, "0/3000000").in("dc2"), Candidate.at("node2", 2, "0/3000000").in("dc1"),
                                    Candidate.at("node3", 2, "0/3000000").in("dc1")), "node2").formerLeaderIn("dc1"),
                    new Race("a higher priority beats being beside the former leader",
                            List.of(Candidate.at("node1", 2, "0/3000000").in("dc1"),
                                    Candidate.at("node2", 2, "0/3000000").in("dc2").priority(150),
                                    Candidate.at("node3", 2, "0/3000000").in("dc1")), "node2").formerLeaderIn("dc1"),
                    new Race("more WAL beats being beside the former leader",
                            List.of(Candidate.at("node1", 2, "0/3000000").in("dc1"), Candidate.at("node2", 2, "0/3000001").in("dc2"),
                                    Candidate.at("node3", 2, "0/3000000").in("dc1")), "node2").formerLeaderIn("dc1"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("races")
        void exactlyTheBestMemberRunsForLeader(Race race) {
            Map<String, Decision> decisions = decideAll(race.candidates(), Optional.empty(), race.formerLeaderLocation());

            assertThat(decisions.entrySet())
                    .filteredOn(e -> e.getValue() instanceof AcquireAndPromote)
                    .as("members deciding AcquireAndPromote: %s", decisions)
                    .extracting(Map.Entry::getKey)
                    .containsExactly(race.expectedWinner());
            assertThat(decisions).allSatisfy((name, decision) -> {
                if (!name.equals(race.expectedWinner())) {
                    assertThat(decision).isInstanceOf(Wait.class);
                }
            });
            race.candidates().stream()
                    .filter(c -> !c.nofailover() && !c.name().equals(race.expectedWinner()))
                    .forEach(loser -> assertThat(decisions.get(loser.name()).reason())
                            .as("%s's reason", loser.name())
                            .contains(race.expectedWinner() + " is a better candidate"));
        }

        @Test
        void nobodyRunsWhenEveryMemberLagsMoreThanMaximumLagOnFailover() {
            List<Candidate> candidates = List.of(Candidate.at("node1", 2, "0/3000000"), Candidate.at("node2", 2, "0/3000100"),
                    Candidate.at("node3", 2, "0/3000050"));

            Map<String, Decision> decisions = decideAll(candidates, Optional.of("0/5000000"), Optional.empty());

            assertThat(decisions.values()).allSatisfy(d -> assertThat(d).isInstanceOf(Wait.class));
            assertThat(decisions.get("node2").reason()).contains("more than maximum_lag_on_failover");
        }

        @Test
        void nobodyRunsWhenEveryMemberIsTaggedNofailover() {
            List<Candidate> candidates = List.of(Candidate.at("node1", 2, "0/3000000").taggedNofailover(),
                    Candidate.at("node2", 2, "0/3000100").taggedNofailover());

            Map<String, Decision> decisions = decideAll(candidates, Optional.empty(), Optional.empty());

            assertThat(decisions.values()).allSatisfy(d -> assertThat(d.reason()).contains("tagged nofailover"));
        }

        private Map<String, Decision> decideAll(List<Candidate> candidates, Optional<String> optime,
                                                Optional<String> formerLeaderLocation) {
            Views.ViewBuilder shared = Views.initializedWithoutLeader();
            candidates.forEach(c -> shared.with(c.published()));
            optime.ifPresent(shared::optime);
            ClusterView view = shared.build();
            Map<String, Decision> decisions = new TreeMap<>();
            for (Candidate candidate : candidates) {
                decisions.put(candidate.name(), Decider.decide(view, candidate.local(formerLeaderLocation).build(), Views.CONFIG));
            }
            return decisions;
        }
    }

    @Nested
    class RoundByRound {

        @Test
        void afterTheLeaderDiesTheMemberWithTheMostWalWinsOnceEveryPeerHasPublished() {
            SimulatedCluster cluster = new SimulatedCluster()
                    .standby("node1", 2, "0/3000000").standby("node2", 2, "0/3000100").standby("node3", 2, "0/3000050");

            cluster.leaderDies();
            cluster.runRounds(6);

            assertThat(cluster.promotions).containsExactly("node2");
            assertThat(cluster.leader()).contains("node2");
            assertThat(cluster.lastDecisions.get("node2")).isInstanceOf(KeepLeading.class);
            assertThat(cluster.lastDecisions.get("node1")).isInstanceOf(KeepFollowing.class);
            assertThat(cluster.lastDecisions.get("node3")).isInstanceOf(KeepFollowing.class);
            assertThat(cluster.node("node1").configuredUpstream).contains(upstreamOf("node2"));
            assertThat(cluster.node("node3").configuredUpstream).contains(upstreamOf("node2"));
        }

        @Test
        void nobodyRunsBeforeEveryLivePeerHasPublishedSinceTheLoss() {
            SimulatedCluster cluster = new SimulatedCluster()
                    .standby("node1", 2, "0/3000100").standby("node2", 2, "0/3000000").standby("node3", 2, "0/3000000");

            cluster.leaderDies();
            cluster.runRounds(1);

            // in the first round each member still sees positions from before the loss: nobody may win on them
            assertThat(cluster.promotions).isEmpty();
            assertThat(cluster.lastDecisions.values()).allSatisfy(d -> assertThat(d.reason()).contains("to publish a position"));

            cluster.runRounds(1);
            assertThat(cluster.promotions).containsExactly("node1");
        }

        @Test
        void aCrashedPeersStaleKeyDelaysTheElectionBySettleWindowThenIsIgnored() {
            SimulatedCluster cluster = new SimulatedCluster()
                    .standby("node1", 2, "0/3000000").standby("node2", 2, "0/3000050").standby("node3", 2, "0/3000100");

            cluster.crash("node3");
            cluster.leaderDies();
            cluster.runRounds(6);

            assertThat(cluster.promotions).containsExactly("node2");
            assertThat(cluster.promotionSecond).as("seconds after the loss when node2 promoted")
                    .isGreaterThanOrEqualTo(Election.settleWindow(Views.CONFIG).toSeconds());
        }

        @Test
        void theBestMemberCutOffFromEtcdNeverPromotesAndTheRunnerUpWins() {
            SimulatedCluster cluster = new SimulatedCluster()
                    .standby("node1", 2, "0/3000000").standby("node2", 2, "0/3000100").standby("node3", 2, "0/3000050");

            cluster.isolate("node2");
            cluster.leaderDies();
            cluster.runRounds(8);

            assertThat(cluster.promotions).containsExactly("node3");
            assertThat(cluster.node("node2").primary).isFalse();
            assertThat(cluster.lastDecisions.get("node2").reason()).contains("etcd is unreachable; changing nothing");
            assertThat(cluster.maxSimultaneousPrimaries).isEqualTo(1);
        }

        @Test
        void anIsolatedLeaderDemotesAndTheBestStandbyTakesOver() {
            SimulatedCluster cluster = new SimulatedCluster()
                    .primary("node1", 2, "0/3000200").standby("node2", 2, "0/3000100").standby("node3", 2, "0/3000050");

            cluster.runRounds(1);
            assertThat(cluster.lastDecisions.get("node1")).isInstanceOf(KeepLeading.class);
            cluster.isolate("node1");
            cluster.runRounds(8);

            assertThat(cluster.decisionsOf("node1")).anySatisfy(d -> assertThat(d).isInstanceOf(Demote.class));
            assertThat(cluster.node("node1").primary).isFalse();
            assertThat(cluster.promotions).containsExactly("node2");
            assertThat(cluster.maxSimultaneousPrimaries).as("the old primary demotes before its key can expire")
                    .isEqualTo(1);
        }

        @Test
        void afterTheLeaderDiesTheStandbyInItsLocationWinsATieAndTheOthersFollowIt() {
            SimulatedCluster cluster = new SimulatedCluster().leaderIn("dc1")
                    .standby("node1", 2, "0/3000100", "dc2").standby("node2", 2, "0/3000100", "dc2")
                    .standby("node3", 2, "0/3000100", "dc1");

            cluster.runRounds(1);
            cluster.leaderDies();
            cluster.runRounds(6);

            assertThat(cluster.promotions).containsExactly("node3");
            assertThat(cluster.lastDecisions.get("node1")).isInstanceOf(KeepFollowing.class);
            assertThat(cluster.lastDecisions.get("node2")).isInstanceOf(KeepFollowing.class);
            assertThat(cluster.node("node1").configuredUpstream).contains(upstreamOf("node3"));
        }

        @Test
        void aWholeClusterStartWaitsOneTtlThenElectsExactlyOne() {
            SimulatedCluster cluster = new SimulatedCluster().neverHadALeader()
                    .standby("node1", 1, "0/3000000").standby("node2", 1, "0/3000000").standby("node3", 1, "0/3000000");

            cluster.runRounds(6);

            assertThat(cluster.promotions).containsExactly("node1");
            assertThat(cluster.promotionSecond).isGreaterThanOrEqualTo(Views.CONFIG.ttl());
            assertThat(cluster.lastDecisions.get("node2")).isInstanceOfAny(Follow.class, KeepFollowing.class);
        }
    }

    /**
     * An in-memory etcd plus the agents' loops. Time moves {@code loop_wait} per round; in a round every live
     * agent runs one cycle in name order, as {@code HaLoop.cycle()} does: read the snapshot, publish its own
     * member key, decide on the snapshot it read, carry the decision out (the leader key is create-if-absent).
     * A member key not refreshed for {@code ttl} expires with its lease, and the leader key with it.
     */
    static final class SimulatedCluster {

        private static final long STEP_SECONDS = Views.CONFIG.loopWait();

        private long revision = 1_000;
        private long nowSeconds;
        private Optional<LeaderLock> leaderKey = Optional.empty();
        private final Map<String, Member> memberKeys = new TreeMap<>();
        private final Map<String, Long> publishedAtSeconds = new TreeMap<>();
        private final Map<String, SimNode> nodes = new TreeMap<>();
        private boolean hadLeader = true;

        final List<String> promotions = new ArrayList<>();
        final Map<String, Decision> lastDecisions = new LinkedHashMap<>();
        final Map<String, List<Decision>> history = new TreeMap<>();
        long promotionSecond = -1;
        int maxSimultaneousPrimaries;

        SimulatedCluster() {
            leaderKey = Optional.of(new LeaderLock("node0", revision, 1));
            put("node0", new SimNode("node0", 2, Lsn.parse("0/3000200"), true, Tags.DEFAULT_LOCATION).member(++revision));
        }

        /** The original leader node0 carries the location tag {@code location}. */
        SimulatedCluster leaderIn(String location) {
            put("node0", new SimNode("node0", 2, Lsn.parse("0/3000200"), true, location).member(++revision));
            return this;
        }

        SimulatedCluster neverHadALeader() {
            leaderKey = Optional.empty();
            memberKeys.remove("node0");
            hadLeader = false;
            return this;
        }

        SimulatedCluster standby(String name, int timeline, String lsn) {
            return standby(name, timeline, lsn, Tags.DEFAULT_LOCATION);
        }

        SimulatedCluster standby(String name, int timeline, String lsn, String location) {
            return add(new SimNode(name, timeline, Lsn.parse(lsn), false, location));
        }

        SimulatedCluster primary(String name, int timeline, String lsn) {
            memberKeys.remove("node0");
            SimNode node = new SimNode(name, timeline, Lsn.parse(lsn), true, Tags.DEFAULT_LOCATION);
            leaderKey = Optional.of(new LeaderLock(name, ++revision, 1));
            return add(node);
        }

        private SimulatedCluster add(SimNode node) {
            node.sawLeader = hadLeader;
            nodes.put(node.name, node);
            leaderKey.filter(l -> !l.isHeldBy(node.name)).ifPresent(l -> node.configuredUpstream = Optional.of(upstreamOf(l.name())));
            put(node.name, node.member(++revision));
            return this;
        }

        SimNode node(String name) {
            return nodes.get(name);
        }

        Optional<String> leader() {
            return leaderKey.map(LeaderLock::name);
        }

        List<Decision> decisionsOf(String name) {
            return history.getOrDefault(name, List.of());
        }

        /** The primary node0 and its agent vanish: its lease expires, taking the leader and member keys. */
        void leaderDies() {
            leaderKey = Optional.empty();
            memberKeys.remove("node0");
            publishedAtSeconds.remove("node0");
            revision++;
        }

        /** The agent and its PostgreSQL stop dead; the member key stays until its lease expires. */
        void crash(String name) {
            nodes.get(name).crashed = true;
        }

        /** The agent runs on but cannot reach etcd: it decides on its last snapshot and publishes nothing. */
        void isolate(String name) {
            SimNode node = nodes.get(name);
            if (node.lastView == null) {
                node.lastView = snapshot();   // its last successful read was just before the cut
            }
            node.isolated = true;
        }

        void runRounds(int rounds) {
            for (int i = 0; i < rounds; i++) {
                for (SimNode node : nodes.values()) {
                    if (!node.crashed) {
                        node.cycle(this);
                    }
                }
                maxSimultaneousPrimaries = Math.max(maxSimultaneousPrimaries,
                        (int) nodes.values().stream().filter(n -> n.primary && !n.crashed).count());
                nowSeconds += STEP_SECONDS;
                expireLeases();
            }
        }

        private void expireLeases() {
            for (String name : List.copyOf(publishedAtSeconds.keySet())) {
                if (nowSeconds - publishedAtSeconds.get(name) >= Views.CONFIG.ttl()) {
                    memberKeys.remove(name);
                    publishedAtSeconds.remove(name);
                    if (leaderKey.filter(l -> l.isHeldBy(name)).isPresent()) {
                        leaderKey = Optional.empty();
                    }
                    revision++;
                }
            }
        }

        private ClusterView snapshot() {
            return new ClusterView(revision, Optional.of(Views.SYSTEM_ID), leaderKey, memberKeys, Optional.of(Views.CONFIG),
                    Optional.empty(), Optional.empty(), List.of(), List.of(), Optional.empty(), false, Optional.empty());
        }

        private void put(String name, Member member) {
            memberKeys.put(name, member);
            publishedAtSeconds.put(name, nowSeconds);
        }

        private void record(SimNode node, Decision decision) {
            lastDecisions.put(node.name, decision);
            history.computeIfAbsent(node.name, n -> new ArrayList<>()).add(decision);
        }

        /** Create-if-absent, as {@code ClusterStore.acquireLeader}. */
        private boolean acquireLeader(String name) {
            if (leaderKey.isPresent()) {
                return leaderKey.get().isHeldBy(name);
            }
            leaderKey = Optional.of(new LeaderLock(name, ++revision, 1));
            return true;
        }
    }

    /** One agent with its PostgreSQL, reduced to what the decider sees. */
    static final class SimNode {

        final String name;
        final int timeline;
        final Lsn position;
        final Tags tags;
        boolean primary;
        Optional<Upstream> configuredUpstream = Optional.empty();
        boolean crashed;
        boolean isolated;
        boolean sawLeader = true;
        private ClusterView lastView;
        private Long leaderlessSinceRevision;
        private long leaderlessSinceSeconds;
        private Optional<String> formerLeaderLocation = Optional.empty();

        SimNode(String name, int timeline, Lsn position, boolean primary, String location) {
            this.name = name;
            this.timeline = timeline;
            this.position = position;
            this.primary = primary;
            this.tags = new Tags(Tags.DEFAULT_PRIORITY, location, false, false);
        }

        Member member(long modRevision) {
            return new Member(name, primary ? Role.PRIMARY : Role.REPLICA, PgState.RUNNING,
                    "postgres://" + upstreamOf(name).host() + ":5432/postgres", "http://" + name + ".db:8008/patroni",
                    position.value(), timeline, null, tags, "0.1.0", modRevision);
        }

        void cycle(SimulatedCluster cluster) {
            if (!isolated) {
                lastView = cluster.snapshot();
            }
            ClusterView view = lastView;
            Optional<LocalState.Leaderless> leaderless = trackLeaderless(view, cluster.nowSeconds);
            PgProbe pg = new PgProbe(!primary, timeline, position, position, configuredUpstream,
                    configuredUpstream.map(u -> new PgProbe.WalReceiver("streaming", u, timeline)), Views.SYSTEM_ID, "15.8");
            LocalState local = new LocalState(name, tags, true, Optional.of(Views.SYSTEM_ID), true, Optional.of(pg),
                    Optional.empty(), !isolated,
                    Duration.ofSeconds(isolated ? 0 : Views.CONFIG.ttl()), leaderless, Duration.ZERO, Locals.NOW, Optional.empty());
            if (!isolated) {
                cluster.put(name, member(++cluster.revision));
            }
            Decision decision = Decider.decide(view, local, Views.CONFIG);
            cluster.record(this, decision);
            carryOut(decision, cluster);
        }

        /** As {@code HaLoop} does: remembers the last leader's location, and since when there has been none. */
        private Optional<LocalState.Leaderless> trackLeaderless(ClusterView view, long nowSeconds) {
            if (view.hasLeader()) {
                leaderlessSinceRevision = null;
                sawLeader = true;
                view.leaderMember().ifPresent(leader -> formerLeaderLocation = Optional.of(leader.tags().location()));
                return Optional.empty();
            }
            if (leaderlessSinceRevision == null) {
                leaderlessSinceRevision = view.revision();
                leaderlessSinceSeconds = nowSeconds;
            }
            return Optional.of(new LocalState.Leaderless(leaderlessSinceRevision,
                    Duration.ofSeconds(nowSeconds - leaderlessSinceSeconds), !sawLeader, formerLeaderLocation));
        }

        private void carryOut(Decision decision, SimulatedCluster cluster) {
            if (decision instanceof AcquireAndPromote) {
                if (!isolated && cluster.acquireLeader(name) && !primary) {
                    primary = true;
                    configuredUpstream = Optional.empty();
                    cluster.promotions.add(name);
                    cluster.promotionSecond = cluster.nowSeconds;
                }
            } else if (decision instanceof Follow follow) {
                configuredUpstream = Optional.of(follow.leader().upstream());
            } else if (decision instanceof Demote demote) {
                if (!isolated) {
                    cluster.leaderKey = cluster.leaderKey.filter(l -> !l.isHeldBy(name));
                }
                primary = false;
                configuredUpstream = demote.newUpstream().map(Decision.LeaderTarget::upstream);
            }
        }
    }
}
