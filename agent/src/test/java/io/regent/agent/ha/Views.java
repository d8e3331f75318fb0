package io.regent.agent.ha;

import io.regent.agent.postgres.Upstream;
import io.regent.common.config.HaConfig;
import io.regent.common.model.ClusterView;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.HistoryEntry;
import io.regent.common.model.LeaderLock;
import io.regent.common.model.Lsn;
import io.regent.common.model.Member;
import io.regent.common.model.PgState;
import io.regent.common.model.Role;
import io.regent.common.model.Tags;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cluster snapshots as etcd would return them, built the way a scenario reads:
 * {@code Views.initializedWithLeader("node1").with(member("node3").lsn("0/3000000"))}.
 *
 * <p>Conventions: member {@code X} listens on {@code X.db:5432} ({@link #upstreamOf}); the snapshot is read
 * at revision {@link #REVISION}; the leader was lost at {@link #LEADER_LOST_AT}; a member publishes at
 * {@link #PUBLISHED_AFTER_LOSS} unless told otherwise, i.e. after the loss.
 */
final class Views {

    static final String SYSTEM_ID = "7290346239847239847";
    static final long REVISION = 500;
    static final long LEADER_LOST_AT = 400;
    static final long PUBLISHED_AFTER_LOSS = 450;
    static final long PUBLISHED_BEFORE_LOSS = 390;
    static final String DEFAULT_LSN = "0/3000000";
    static final HaConfig CONFIG = HaConfig.DEFAULTS;

    private Views() {
    }

    /** No {@code initialize} key: nobody has bootstrapped this cluster. */
    static ViewBuilder uninitialized() {
        return new ViewBuilder(Optional.empty());
    }

    /** {@code initialize} is the empty string: a member has claimed the bootstrap and is running initdb. */
    static ViewBuilder beingInitialized() {
        return new ViewBuilder(Optional.of(""));
    }

    static ViewBuilder initializedWithoutLeader() {
        return new ViewBuilder(Optional.of(SYSTEM_ID));
    }

    /** An initialized cluster whose leader key names {@code leader}, a running primary. */
    static ViewBuilder initializedWithLeader(String leader) {
        return initializedWithoutLeader().leader(leader).with(member(leader).primary().lsn("0/3000060"));
    }

    static MemberBuilder member(String name) {
        return new MemberBuilder(name);
    }

    static Upstream upstreamOf(String name) {
        return new Upstream(name + ".db", 5432);
    }

    static final class ViewBuilder {

        private final Optional<String> initialize;
        private final Map<String, MemberBuilder> members = new LinkedHashMap<>();
        private Optional<String> leader = Optional.empty();
        private Optional<Lsn> optime = Optional.empty();
        private final List<HistoryEntry> history = new ArrayList<>();
        private long revision = REVISION;
        private Optional<FailoverRequest> failover = Optional.empty();
        private boolean paused;
        private Optional<io.regent.common.model.SyncState> sync = Optional.empty();

        private ViewBuilder(Optional<String> initialize) {
            this.initialize = initialize;
        }

        ViewBuilder with(MemberBuilder... added) {
            for (MemberBuilder member : added) {
                members.put(member.name, member);
            }
            return this;
        }

        /** The leader key names {@code name}; its member key is whatever {@link #with} put there (or none). */
        ViewBuilder leader(String name) {
            leader = Optional.of(name);
            return this;
        }

        /** The leader key's owner never published (or its member key expired). */
        ViewBuilder withoutMember(String name) {
            members.remove(name);
            return this;
        }

        /** The last position the leader published in {@code status}. */
        ViewBuilder optime(String lsn) {
            optime = Optional.of(Lsn.parse(lsn));
            return this;
        }

        /** {@code history} records that {@code timeline} ended at {@code switchLsn} when {@code newLeader} was promoted. */
        ViewBuilder history(int timeline, String switchLsn, String newLeader) {
            history.add(new HistoryEntry(timeline, Lsn.parse(switchLsn), "no recovery target specified",
                    Instant.parse("2024-05-01T12:00:00Z").plusSeconds(60L * timeline), newLeader));
            return this;
        }

        /** The {@code failover} key holds {@code request}. */
        ViewBuilder failover(FailoverRequest request) {
            failover = Optional.of(request);
            return this;
        }

        /** {@code config} says {@code "pause": true}. */
        ViewBuilder paused() {
            paused = true;
            return this;
        }

        /** The {@code sync} key, written by {@code leader}: {@code quorum} 0 means every named standby. */
        ViewBuilder sync(String leader, int quorum, String... standbys) {
            sync = Optional.of(new io.regent.common.model.SyncState(leader, java.util.Set.of(standbys), quorum, 77));
            return this;
        }

        ViewBuilder revision(long newRevision) {
            revision = newRevision;
            return this;
        }

        ClusterView build() {
            Map<String, Member> built = new LinkedHashMap<>();
            members.values().forEach(m -> built.put(m.name, m.build()));
            return new ClusterView(revision, initialize,
                    leader.map(name -> new LeaderLock(name, revision - 200, 0x694d8a1b2c3d4e5fL)),
                    built, Optional.of(CONFIG), optime, Optional.empty(), history, List.of(), failover, paused, sync);
        }
    }

    static final class MemberBuilder {

        private final String name;
        private Role role = Role.REPLICA;
        private PgState state = PgState.RUNNING;
        private String connUrl;
        private Long xlogLocation = Lsn.parse(DEFAULT_LSN).value();
        private Integer timeline = 1;
        private int priority = Tags.DEFAULT_PRIORITY;
        private String location;
        private boolean nofailover;
        private boolean nosync;
        private long modRevision = PUBLISHED_AFTER_LOSS;
        private String upstream;

        private MemberBuilder(String name) {
            this.name = name;
            Upstream address = upstreamOf(name);
            this.connUrl = "postgres://" + address.host() + ":" + address.port() + "/postgres";
        }

        MemberBuilder primary() {
            role = Role.PRIMARY;
            return this;
        }

        MemberBuilder lsn(String lsn) {
            xlogLocation = Lsn.parse(lsn).value();
            return this;
        }

        MemberBuilder timeline(int newTimeline) {
            timeline = newTimeline;
            return this;
        }

        MemberBuilder priority(int newPriority) {
            priority = newPriority;
            return this;
        }

        /** The member's {@code location} tag (default: {@link Tags#DEFAULT_LOCATION}). */
        MemberBuilder location(String newLocation) {
            location = newLocation;
            return this;
        }

        MemberBuilder nofailover() {
            nofailover = true;
            return this;
        }

        MemberBuilder nosync() {
            nosync = true;
            return this;
        }

        MemberBuilder state(PgState newState) {
            state = newState;
            return this;
        }

        /** Publishes that it streams from the member {@code leader}. */
        MemberBuilder streamsFrom(String leader) {
            upstream = leader;
            return this;
        }

        MemberBuilder connUrl(String url) {
            connUrl = url;
            return this;
        }

        MemberBuilder modRevision(long revision) {
            modRevision = revision;
            return this;
        }

        /** Last published before the leader was lost, and not since. */
        MemberBuilder silent() {
            return modRevision(PUBLISHED_BEFORE_LOSS);
        }

        /** Published its key, but with no position (PostgreSQL not probed yet). */
        MemberBuilder withoutPosition() {
            xlogLocation = null;
            return this;
        }

        MemberBuilder withoutTimeline() {
            timeline = null;
            return this;
        }

        Member build() {
            return new Member(name, role, state, connUrl, "http://" + name + ".db:8008/patroni", xlogLocation, timeline,
                    upstream, new Tags(priority, location, nofailover, nosync), "0.1.0", modRevision);
        }
    }
}
