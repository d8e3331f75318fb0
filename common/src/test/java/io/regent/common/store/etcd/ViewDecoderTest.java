package io.regent.common.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.config.HaConfig;
import io.regent.common.model.ClusterView;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.KeyProblem;
import io.regent.common.model.LeaderLock;
import io.regent.common.model.Lsn;
import io.regent.common.model.Member;
import io.regent.common.model.PgState;
import io.regent.common.model.Role;
import io.regent.common.model.Tags;
import io.regent.common.store.KeyLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ViewDecoderTest {

    private static final KeyLayout KEYS = new KeyLayout("/service/", "demo");
    private static final long REVISION = 250;
    private static final long LEADER_LEASE = 0x694d8a1b2c3d4e5fL;
    private static final long REPLICA_LEASE = 0x694d8a1b2c3d4e60L;
    private static final String SYSTEM_ID = "7290346239847239847";

    private static final Member NODE1 = new Member("node1", Role.PRIMARY, PgState.RUNNING,
            "postgres://127.0.0.1:5432/postgres", "http://127.0.0.1:8008/patroni", 50_331_744L, 2, null,
            Tags.DEFAULTS, "0.1.0", 240);
    private static final Member NODE2 = new Member("node2", Role.REPLICA, PgState.RUNNING,
            "postgres://127.0.0.1:5433/postgres", "http://127.0.0.1:8009/patroni", 50_331_600L, 2, "node1",
            new Tags(50, "dc2", false, false), "0.1.0", 244);
    private static final HaConfig CONFIG = new HaConfig(10, 1, 3, 1_048_576L, null, null, null, null, null, null);
    private static final Lsn OPTIME = Lsn.parse("0/3000060");

    private final ViewDecoder decoder = new ViewDecoder(KEYS);

    private static StoredKey key(String key, String value, long modRevision, long leaseId) {
        return new StoredKey(key, value, modRevision, leaseId);
    }

    /** What one range read of a healthy two-member cluster returns, in etcd's (key) order. */
    private static List<StoredKey> healthyCluster() {
        return List.of(
                key(KEYS.config(), JsonCodec.encodeConfig(CONFIG), 3, 0),
                key(KEYS.history(), "[[1, 50331808, \"no recovery target specified\", \"2024-05-01T10:00:00+00:00\", \"node1\"]]", 200, 0),
                key(KEYS.initialize(), SYSTEM_ID, 2, 0),
                key(KEYS.leader(), "node1", 120, LEADER_LEASE),
                key(KEYS.member("node1"), JsonCodec.encodeMember(NODE1), 240, LEADER_LEASE),
                key(KEYS.member("node2"), JsonCodec.encodeMember(NODE2), 244, REPLICA_LEASE),
                key(KEYS.status(), JsonCodec.encodeStatus(OPTIME), 245, 0),
                key(KEYS.sync(), "{\"leader\": \"node1\", \"sync_standby\": null}", 100, 0));
    }

    /** The healthy cluster with one key's value replaced (or added, for a key a healthy cluster lacks). */
    private static List<StoredKey> healthyClusterWith(String replacedKey, String value) {
        List<StoredKey> rows = new ArrayList<>();
        for (StoredKey row : healthyCluster()) {
            rows.add(row.key().equals(replacedKey) ? key(row.key(), value, row.modRevision(), row.leaseId()) : row);
        }
        if (rows.stream().noneMatch(row -> row.key().equals(replacedKey))) {
            rows.add(key(replacedKey, value, 249, 0));
        }
        return rows;
    }

    @Test
    void aHealthyClusterDecodesIntoACompleteView() {
        ClusterView view = decoder.decode(REVISION, healthyCluster());

        assertThat(view.revision()).isEqualTo(REVISION);
        assertThat(view.initialize()).contains(SYSTEM_ID);
        assertThat(view.isInitialized()).isTrue();
        assertThat(view.leader()).contains(new LeaderLock("node1", 120, LEADER_LEASE));
        assertThat(view.members()).containsOnlyKeys("node1", "node2");
        assertThat(view.member("node1")).contains(NODE1);
        assertThat(view.member("node2")).contains(NODE2);
        assertThat(view.config()).contains(CONFIG);
        assertThat(view.optime()).contains(OPTIME);
        assertThat(view.problems()).isEmpty();
    }

    @Test
    void membersCarryTheRevisionOfTheirKey() {
        ClusterView view = decoder.decode(REVISION, healthyCluster());

        assertThat(view.member("node1").orElseThrow().modRevision()).isEqualTo(240);
        assertThat(view.member("node2").orElseThrow().modRevision()).isEqualTo(244);
    }

    @Test
    void theLeaderLockNamesItsMemberAndLease() {
        ClusterView view = decoder.decode(REVISION, healthyCluster());

        assertThat(view.leaderMember()).contains(NODE1);
        assertThat(view.leader().orElseThrow().isHeldBy("node1")).isTrue();
        assertThat(view.leader().orElseThrow().leaseId()).isEqualTo(LEADER_LEASE);
        assertThat(view.membersByName()).extracting(Member::name).containsExactly("node1", "node2");
    }

    @Test
    void surroundingWhitespaceInPlainValuesIsIgnored() {
        List<StoredKey> rows = healthyClusterWith(KEYS.leader(), "node1\n");
        rows.replaceAll(row -> row.key().equals(KEYS.initialize()) ? key(row.key(), " " + SYSTEM_ID + "\n", 2, 0) : row);

        ClusterView view = decoder.decode(REVISION, rows);

        assertThat(view.leader().orElseThrow().name()).isEqualTo("node1");
        assertThat(view.initialize()).contains(SYSTEM_ID);
    }

    @Test
    void theFailsafeKeyIsReadAsMemberNamesAndTheirRestApis() {
        List<StoredKey> rows = new ArrayList<>(healthyCluster());
        rows.add(key(KEYS.failsafe(), "{\"node1\": \"http://127.0.0.1:8008/patroni\", \"node2\": \"http://127.0.0.1:8009/patroni\"}", 9, 0));

        ClusterView view = decoder.decode(REVISION, rows);

        assertThat(view.failsafe()).contains(java.util.Map.of("node1", "http://127.0.0.1:8008/patroni",
                "node2", "http://127.0.0.1:8009/patroni"));
        assertThat(decoder.decode(REVISION, healthyCluster()).failsafe()).isEmpty();
    }

    @Test
    void aFailsafeKeyThatIsNotAMapOfUrlsIsAProblemNotAView() {
        List<StoredKey> rows = new ArrayList<>(healthyCluster());
        rows.add(key(KEYS.failsafe(), "{\"node1\": 42}", 9, 0));

        ClusterView view = decoder.decode(REVISION, rows);

        assertThat(view.failsafe()).isEmpty();
        assertThat(view.problems()).extracting(KeyProblem::key).containsExactly(KEYS.failsafe());
    }

    @Test
    void aClusterBeingBootstrappedHasAnEmptyInitializeValue() {
        ClusterView view = decoder.decode(REVISION, List.of(key(KEYS.initialize(), "", 2, 0)));

        assertThat(view.isBeingInitialized()).isTrue();
        assertThat(view.isInitialized()).isFalse();
    }

    @Test
    void noKeysGiveAnEmptyViewAtTheReadRevision() {
        ClusterView view = decoder.decode(REVISION, List.of());

        assertThat(view).isEqualTo(ClusterView.empty(REVISION));
        assertThat(view.isInitialized()).isFalse();
        assertThat(view.isBeingInitialized()).isFalse();
        assertThat(view.hasLeader()).isFalse();
    }

    @Test
    void keysOutsideTheLayoutAreIgnoredWithoutComplaint() {
        List<StoredKey> rows = new ArrayList<>(healthyCluster());
        rows.add(key(KEYS.member("node1") + "/extra", "garbage", 246, 0));
        rows.add(key(KEYS.membersPrefix(), "garbage", 247, 0));
        rows.add(key(KEYS.prefix() + "optime/leader", "50331744", 248, 0));

        ClusterView view = decoder.decode(REVISION, rows);

        assertThat(view).isEqualTo(decoder.decode(REVISION, healthyCluster()));
    }

    /** One unreadable key: which key, what it holds, and what the problem must say. */
    record Garbage(String description, String key, String value, String reason) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Garbage> garbage() {
        return Stream.of(
                new Garbage("a member value that is not JSON", KEYS.member("node2"), "node2 is fine", "not JSON"),
                new Garbage("a member value without conn_url", KEYS.member("node2"), "{\"role\": \"replica\"}", "missing conn_url"),
                new Garbage("a member with a negative position", KEYS.member("node2"),
                        "{\"conn_url\": \"postgres://h:1/postgres\", \"xlog_location\": -1}", "xlog_location"),
                new Garbage("a config that is not JSON", KEYS.config(), "ttl=30", "not JSON"),
                new Garbage("a config with unsafe timings", KEYS.config(),
                        "{\"ttl\": 10, \"loop_wait\": 10, \"retry_timeout\": 10}", "loop_wait + 2*retry_timeout"),
                new Garbage("a status that is not JSON", KEYS.status(), "0/3000060", "not JSON"),
                new Garbage("a status without optime", KEYS.status(), "{\"slots\": {}}", "optime"),
                new Garbage("a config with a logical permanent slot", KEYS.config(),
                        "{\"ttl\": 30, \"slots\": {\"cdc\": {\"type\": \"logical\"}}}", "only physical permanent slots"),
                new Garbage("a config with an invalid permanent slot name", KEYS.config(),
                        "{\"ttl\": 30, \"slots\": {\"Bad-Name\": {\"type\": \"physical\"}}}", "not a valid slot name"),
                new Garbage("a config with a negative member_slots_ttl", KEYS.config(),
                        "{\"ttl\": 30, \"member_slots_ttl\": -1}", "member_slots_ttl"),
                new Garbage("a config with a pause that is not a boolean", KEYS.config(),
                        "{\"ttl\": 30, \"pause\": \"yes\"}", "pause must be true or false"),
                new Garbage("a failover request that is not JSON", KEYS.failover(), "node2 please", "not JSON"),
                new Garbage("a failover request naming nobody", KEYS.failover(), "{\"scheduled_at\": \"2026-01-01T00:00:00Z\"}",
                        "names a leader, a candidate"),
                new Garbage("a failover request with an unreadable time", KEYS.failover(),
                        "{\"member\": \"node2\", \"scheduled_at\": \"tomorrow\"}", "not an ISO-8601 time"),
                new Garbage("a sync key that is not JSON", KEYS.sync(), "node2", "not JSON"),
                new Garbage("a sync key without a leader", KEYS.sync(), "{\"sync_standby\": \"node2\"}", "leader"),
                new Garbage("an empty leader value", KEYS.leader(), "", "empty leader name"),
                new Garbage("a blank leader value", KEYS.leader(), "  \n", "empty leader name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    void anUnreadableKeyBecomesAProblemNamingTheKeyAndTheReason(Garbage garbage) {
        ClusterView view = decoder.decode(REVISION, healthyClusterWith(garbage.key(), garbage.value()));

        assertThat(view.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo(garbage.key());
            assertThat(problem.reason()).contains(garbage.reason());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    void anUnreadableKeyIsLeftOutWhileTheRestOfTheViewIsDecoded(Garbage garbage) {
        ClusterView healthy = decoder.decode(REVISION, healthyCluster());

        ClusterView view = decoder.decode(REVISION, healthyClusterWith(garbage.key(), garbage.value()));

        assertThat(view.revision()).isEqualTo(REVISION);
        assertThat(view.initialize()).isEqualTo(healthy.initialize());
        assertThat(view.leader()).isEqualTo(garbage.key().equals(KEYS.leader()) ? java.util.Optional.empty() : healthy.leader());
        assertThat(view.config()).isEqualTo(garbage.key().equals(KEYS.config()) ? java.util.Optional.empty() : healthy.config());
        assertThat(view.optime()).isEqualTo(garbage.key().equals(KEYS.status()) ? java.util.Optional.empty() : healthy.optime());
        if (garbage.key().equals(KEYS.sync())) {
            // present but unreadable: it promises nothing and names no leader, so nobody is promoted on a guess
            assertThat(view.sync()).hasValueSatisfying(sync -> {
                assertThat(sync.leader()).isEmpty();
                assertThat(sync.standbys()).isEmpty();
            });
        }
        if (garbage.key().equals(KEYS.member("node2"))) {
            assertThat(view.members()).containsOnlyKeys("node1");
            assertThat(view.member("node1")).contains(NODE1);
        } else {
            assertThat(view.members()).isEqualTo(healthy.members());
        }
    }

    @Test
    void severalUnreadableKeysAreAllReportedInKeyOrder() {
        List<StoredKey> rows = new ArrayList<>(healthyCluster());
        rows.replaceAll(row -> {
            if (row.key().equals(KEYS.config())) {
                return key(row.key(), "{", row.modRevision(), row.leaseId());
            }
            if (row.key().equals(KEYS.leader())) {
                return key(row.key(), "", row.modRevision(), row.leaseId());
            }
            if (row.key().equals(KEYS.member("node2"))) {
                return key(row.key(), "[]", row.modRevision(), row.leaseId());
            }
            if (row.key().equals(KEYS.status())) {
                return key(row.key(), "{\"optime\": \"0/3000060\"}", row.modRevision(), row.leaseId());
            }
            return row;
        });

        ClusterView view = decoder.decode(REVISION, rows);

        assertThat(view.problems()).extracting(KeyProblem::key)
                .containsExactly(KEYS.config(), KEYS.leader(), KEYS.member("node2"), KEYS.status());
        assertThat(view.problems()).allSatisfy(problem -> assertThat(problem.reason()).isNotBlank());
        assertThat(view.leader()).isEmpty();
        assertThat(view.config()).isEmpty();
        assertThat(view.optime()).isEmpty();
        assertThat(view.members()).containsOnlyKeys("node1");
        assertThat(view.initialize()).contains(SYSTEM_ID);
    }

    @Test
    void aLeaderKeyWithoutALeaseIsAProblemNotALeader() {
        List<StoredKey> rows = new ArrayList<>(healthyCluster());
        rows.replaceAll(row -> row.key().equals(KEYS.leader()) ? key(row.key(), "ghost", row.modRevision(), 0) : row);

        ClusterView view = decoder.decode(REVISION, rows);

        assertThat(view.leader()).isEmpty();
        assertThat(view.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.key()).isEqualTo(KEYS.leader());
            assertThat(problem.reason()).contains("names ghost but has no lease");
        });
    }

    @Test
    void aSwitchoverRequestInPatronisShapeIsRead() {
        List<StoredKey> rows = new ArrayList<>(healthyCluster());
        rows.add(key(KEYS.failover(), "{\"leader\": \"node1\", \"member\": \"node2\", "
                + "\"scheduled_at\": \"2026-11-25T19:00:00+01:00\"}", 249, 0));

        ClusterView view = decoder.decode(REVISION, rows);

        assertThat(view.problems()).isEmpty();
        assertThat(view.failover()).contains(FailoverRequest.switchover("node1", java.util.Optional.of("node2"),
                java.util.Optional.of(java.time.Instant.parse("2026-11-25T18:00:00Z"))));
    }

    @Test
    void aFailoverRequestMayNameOnlyTheCandidate() {
        List<StoredKey> rows = new ArrayList<>(healthyCluster());
        rows.add(key(KEYS.failover(), "{\"member\": \"node2\"}", 249, 0));

        ClusterView view = decoder.decode(REVISION, rows);

        assertThat(view.failover()).contains(FailoverRequest.failoverTo("node2"));
        assertThat(view.failover().orElseThrow().isSwitchover()).isFalse();
    }

    @Test
    void pauseIsReadFromTheConfigKeyAndIsOffByDefault() {
        assertThat(decoder.decode(REVISION, healthyCluster()).paused()).isFalse();

        ClusterView paused = decoder.decode(REVISION, healthyClusterWith(KEYS.config(), "{\"ttl\": 30, \"pause\": true}"));

        assertThat(paused.paused()).isTrue();
        assertThat(paused.problems()).isEmpty();
    }

    @Test
    void aMemberWrittenByPatroniIsReadAlongsideRegentMembers() {
        List<StoredKey> rows = new ArrayList<>(healthyCluster());
        rows.add(key(KEYS.member("pg3"), """
                {"conn_url": "postgres://10.0.0.13:5432/postgres", "api_url": "http://10.0.0.13:8008/patroni",
                 "state": "running", "role": "replica", "version": "3.2.2", "xlog_location": 50331600,
                 "timeline": 2, "replication_state": "streaming"}
                """, 243, 77));

        ClusterView view = decoder.decode(REVISION, rows);

        assertThat(view.problems()).isEmpty();
        assertThat(view.member("pg3")).hasValueSatisfying(member -> {
            assertThat(member.role()).isEqualTo(Role.REPLICA);
            assertThat(member.lsn()).contains(new Lsn(50_331_600L));
            assertThat(member.modRevision()).isEqualTo(243);
        });
    }
}
