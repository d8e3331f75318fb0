package io.regent.common.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.regent.common.config.HaConfig;
import io.regent.common.config.SynchronousMode;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.Lsn;
import io.regent.common.model.Member;
import io.regent.common.model.PgState;
import io.regent.common.model.Role;
import io.regent.common.model.SyncState;
import io.regent.common.model.Tags;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonCodecTest {

    private static final Member PRIMARY = new Member("node1", Role.PRIMARY, PgState.RUNNING,
            "postgres://127.0.0.1:5432/postgres", "http://127.0.0.1:8008/patroni", 50_331_744L, 3, null,
            new Tags(50, "dc1", true, false), "0.1.0", 42);

    private static final Member REPLICA = new Member("node2", Role.REPLICA, PgState.STARTING,
            "postgres://127.0.0.1:5433/postgres", "http://127.0.0.1:8009/patroni", 50_331_600L, 3, "node1",
            Tags.DEFAULTS, "0.1.0", 43);

    /** A member value as Patroni 3.x writes it: old role name, fields Regent does not know. */
    private static final String PATRONI_MEMBER = """
            {"conn_url": "postgres://10.0.0.11:5432/postgres",
             "api_url": "http://10.0.0.11:8008/patroni",
             "state": "running", "role": "master", "version": "3.2.2",
             "xlog_location": 83886408, "timeline": 2,
             "tags": {"nofailover": false, "clonefrom": true, "noloadbalance": false},
             "pending_restart": true, "proxy_url": null}
            """;

    private static JsonNode tree(String json) throws Exception {
        return JsonCodec.mapper().readTree(json);
    }

    @Nested
    class Members {

        @Test
        void areWrittenWithPatroniFieldNames() throws Exception {
            JsonNode json = tree(JsonCodec.encodeMember(PRIMARY));

            assertThat(json.get("conn_url").asText()).isEqualTo("postgres://127.0.0.1:5432/postgres");
            assertThat(json.get("api_url").asText()).isEqualTo("http://127.0.0.1:8008/patroni");
            assertThat(json.get("state").asText()).isEqualTo("running");
            assertThat(json.get("role").asText()).isEqualTo("primary");
            assertThat(json.get("xlog_location").isIntegralNumber()).isTrue();
            assertThat(json.get("xlog_location").asLong()).isEqualTo(50_331_744L);
            assertThat(json.get("timeline").asInt()).isEqualTo(3);
            assertThat(json.get("tags").get("priority").asInt()).isEqualTo(50);
            assertThat(json.get("tags").get("location").asText()).isEqualTo("dc1");
            assertThat(json.get("tags").get("nofailover").asBoolean()).isTrue();
            assertThat(json.get("version").asText()).isEqualTo("0.1.0");
        }

        @Test
        void doNotCarryTheNameOrRevisionInTheValue() throws Exception {
            JsonNode json = tree(JsonCodec.encodeMember(PRIMARY));

            assertThat(json.has("name")).isFalse();
            assertThat(json.has("mod_revision")).isFalse();
            assertThat(json.has("upstream")).isFalse();
        }

        @Test
        void writeTheStateInPatroniWording() throws Exception {
            Member creating = new Member("node3", Role.REPLICA, PgState.CREATING_REPLICA, "postgres://h:1/postgres",
                    null, null, null, null, null, null, 0);

            assertThat(tree(JsonCodec.encodeMember(creating)).get("state").asText()).isEqualTo("creating replica");
        }

        @Test
        void surviveARoundTrip() {
            assertThat(JsonCodec.decodeMember("node1", JsonCodec.encodeMember(PRIMARY), 42)).isEqualTo(PRIMARY);
            assertThat(JsonCodec.decodeMember("node2", JsonCodec.encodeMember(REPLICA), 43)).isEqualTo(REPLICA);
        }

        @Test
        void withoutPositionOrTimelineSurviveARoundTripAndOmitThoseFields() throws Exception {
            Member fresh = new Member("node4", null, null, "postgres://h:1/postgres", null, null, null, null, null,
                    null, 7);

            String json = JsonCodec.encodeMember(fresh);

            assertThat(tree(json).has("xlog_location")).isFalse();
            assertThat(tree(json).has("timeline")).isFalse();
            assertThat(JsonCodec.decodeMember("node4", json, 7)).isEqualTo(fresh);
        }

        @Test
        void takeNameAndRevisionFromTheKeyNotTheValue() {
            Member decoded = JsonCodec.decodeMember("renamed", JsonCodec.encodeMember(PRIMARY), 99);

            assertThat(decoded.name()).isEqualTo("renamed");
            assertThat(decoded.modRevision()).isEqualTo(99);
        }

        @Test
        void writtenByPatroniAreRead() {
            Member member = JsonCodec.decodeMember("pg1", PATRONI_MEMBER, 17);

            assertThat(member.name()).isEqualTo("pg1");
            assertThat(member.role()).isEqualTo(Role.PRIMARY);
            assertThat(member.state()).isEqualTo(PgState.RUNNING);
            assertThat(member.connUrl()).isEqualTo("postgres://10.0.0.11:5432/postgres");
            assertThat(member.apiUrl()).isEqualTo("http://10.0.0.11:8008/patroni");
            assertThat(member.lsn()).contains(new Lsn(83_886_408L));
            assertThat(member.timeline()).isEqualTo(2);
            assertThat(member.version()).isEqualTo("3.2.2");
            assertThat(member.tags()).isEqualTo(Tags.DEFAULTS);
            assertThat(member.modRevision()).isEqualTo(17);
        }

        @ParameterizedTest(name = "role \"{0}\" is {1}")
        @CsvSource({"primary, PRIMARY", "master, PRIMARY", "leader, PRIMARY", "standby_leader, PRIMARY",
                "replica, REPLICA", "standby, REPLICA", "sync_standby, REPLICA", "uninitialized, UNINITIALIZED"})
        void acceptPatroniRoleSpellings(String wire, Role role) {
            String json = "{\"conn_url\": \"postgres://h:1/postgres\", \"role\": \"" + wire + "\"}";

            assertThat(JsonCodec.decodeMember("n", json, 1).role()).isEqualTo(role);
        }

        @Test
        void withOnlyAConnectionUrlGetDefaults() {
            Member member = JsonCodec.decodeMember("n", "{\"conn_url\": \"postgres://h:1/postgres\"}", 1);

            assertThat(member.role()).isEqualTo(Role.UNINITIALIZED);
            assertThat(member.state()).isEqualTo(PgState.UNKNOWN);
            assertThat(member.lsn()).isEmpty();
            assertThat(member.timeline()).isNull();
            assertThat(member.tags()).isEqualTo(Tags.DEFAULTS);
        }

        @Test
        void withAnUnknownStateAreReadAsUnknown() {
            String json = "{\"conn_url\": \"postgres://h:1/postgres\", \"state\": \"restarting\"}";

            assertThat(JsonCodec.decodeMember("n", json, 1).state()).isEqualTo(PgState.UNKNOWN);
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
                not JSON                          | nope                                                  | not JSON
                an empty value                    | ``                                                    | expected a JSON object
                a JSON array                      | [{"conn_url": "x"}]                                   | expected a JSON object
                a JSON string                     | "postgres://h:1/postgres"                             | expected a JSON object
                JSON null                         | null                                                  | expected a JSON object
                no conn_url                       | {"api_url": "http://h:8008", "role": "replica"}       | missing conn_url
                a null conn_url                   | {"conn_url": null}                                    | missing conn_url
                conn_url as a number              | {"conn_url": 5432}                                    | conn_url must be a string
                a negative xlog_location          | {"conn_url": "x", "xlog_location": -1}                | xlog_location must be a non-negative integer
                xlog_location as a string         | {"conn_url": "x", "xlog_location": "83886408"}        | xlog_location must be a non-negative integer
                a fractional xlog_location        | {"conn_url": "x", "xlog_location": 1.5}               | xlog_location must be a non-negative integer
                an xlog_location beyond a long    | {"conn_url": "x", "xlog_location": 99999999999999999999} | xlog_location must be a non-negative integer
                a negative timeline               | {"conn_url": "x", "timeline": -2}                     | timeline must be a non-negative integer
                a timeline beyond an int          | {"conn_url": "x", "timeline": 99999999999}            | timeline is out of range
                an unknown role                   | {"conn_url": "x", "role": "boss"}                     | unknown role: boss
                tags that are not an object       | {"conn_url": "x", "tags": "fast"}                     | tags:
                a priority that is not a number   | {"conn_url": "x", "tags": {"priority": "high"}}       | tags:
                version as a number               | {"conn_url": "x", "version": 3}                       | version must be a string
                """)
        void thatAreGarbageAreRejectedWithAReason(String description, String json, String reason) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> JsonCodec.decodeMember("n", json == null ? "" : json, 1))
                    .withMessageContaining(reason);
        }
    }

    @Nested
    class Config {

        @Test
        void isWrittenWithPatroniFieldNames() throws Exception {
            JsonNode json = tree(JsonCodec.encodeConfig(new HaConfig(30, 10, 10, 1_048_576L, null, null, null, null, null, null)));

            assertThat(json.get("ttl").asInt()).isEqualTo(30);
            assertThat(json.get("loop_wait").asInt()).isEqualTo(10);
            assertThat(json.get("retry_timeout").asInt()).isEqualTo(10);
            assertThat(json.get("maximum_lag_on_failover").asLong()).isEqualTo(1_048_576L);
            assertThat(json.get("primary_start_timeout").asInt()).isEqualTo(HaConfig.DEFAULT_PRIMARY_START_TIMEOUT);
            assertThat(json.get("member_slots_ttl").asInt()).isEqualTo(HaConfig.DEFAULT_MEMBER_SLOTS_TTL);
            assertThat(json.get("slots").isObject()).isTrue();
            assertThat(json.get("synchronous_mode").asText()).isEqualTo("off");
            assertThat(json.get("synchronous_node_count").asInt()).isEqualTo(1);
            assertThat(json.get("failsafe_mode").asBoolean()).isFalse();
            assertThat(json.size()).isEqualTo(10);
        }

        @Test
        void readsPatronisBooleanSynchronousModeAndTheRegentSpellings() {
            assertThat(JsonCodec.decodeConfig("{\"synchronous_mode\": true}").synchronousMode()).isEqualTo(SynchronousMode.ON);
            assertThat(JsonCodec.decodeConfig("{\"synchronous_mode\": false}").synchronousMode()).isEqualTo(SynchronousMode.OFF);
            assertThat(JsonCodec.decodeConfig("{\"synchronous_mode\": \"strict\"}").synchronousMode())
                    .isEqualTo(SynchronousMode.STRICT);
            assertThat(JsonCodec.decodeConfig("{\"synchronous_mode\": \"quorum\", \"synchronous_node_count\": 2}"))
                    .extracting(HaConfig::synchronousMode, HaConfig::synchronousNodeCount)
                    .containsExactly(SynchronousMode.QUORUM, 2);
        }

        @Test
        void refusesAnUnknownSynchronousModeAndANodeCountBelowOne() {
            assertThatThrownBy(() -> JsonCodec.decodeConfig("{\"synchronous_mode\": \"always\"}"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("off, on, strict or quorum");
            assertThatThrownBy(() -> JsonCodec.decodeConfig("{\"synchronous_node_count\": 0}"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("synchronous_node_count");
        }
    }

    @Nested
    class Sync {

        @Test
        void roundTripsPatronisLayout() throws Exception {
            String json = JsonCodec.encodeSync(SyncState.of("pg0", Set.of("pg2", "pg1"), 0));

            assertThat(tree(json).get("sync_standby").asText()).isEqualTo("pg1,pg2");
            assertThat(tree(json).has("quorum")).isFalse();
            assertThat(JsonCodec.decodeSync(json, 9)).isEqualTo(new SyncState("pg0", Set.of("pg1", "pg2"), 0, 9));
        }

        @Test
        void readsQuorumAListOrNoStandbyAtAll() {
            assertThat(JsonCodec.decodeSync("{\"leader\": \"pg0\", \"sync_standby\": [\"pg1\"], \"quorum\": 1}", 3))
                    .isEqualTo(new SyncState("pg0", Set.of("pg1"), 1, 3));
            assertThat(JsonCodec.decodeSync("{\"leader\": \"pg0\", \"sync_standby\": null}", 3).standbys()).isEmpty();
        }

        @Test
        void refusesGarbage() {
            assertThatThrownBy(() -> JsonCodec.decodeSync("{\"sync_standby\": \"pg1\"}", 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leader");
            assertThatThrownBy(() -> JsonCodec.decodeSync("{\"leader\": \"pg0\", \"sync_standby\": 7}", 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sync_standby");
            assertThatThrownBy(() -> JsonCodec.decodeSync("{\"leader\": \"pg0\", \"quorum\": -1}", 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quorum");
        }

        @Test
        void survivesARoundTrip() {
            HaConfig config = new HaConfig(10, 1, 3, 0L, null, null, null, null, null, null);

            assertThat(JsonCodec.decodeConfig(JsonCodec.encodeConfig(config))).isEqualTo(config);
        }

        @Test
        void writtenByPatroniIsReadIgnoringSettingsRegentDoesNotUse() {
            String patroni = """
                    {"ttl": 30, "loop_wait": 10, "retry_timeout": 10, "maximum_lag_on_failover": 1048576,
                     "postgresql": {"use_pg_rewind": true, "parameters": {"max_connections": 100}},
                     "synchronous_mode": false, "check_timeline": true}
                    """;

            assertThat(JsonCodec.decodeConfig(patroni)).isEqualTo(new HaConfig(30, 10, 10, 1_048_576L, null, null, null, null, null, null));
        }

        @Test
        void fillsMissingSettingsWithDefaults() {
            assertThat(JsonCodec.decodeConfig("{}")).isEqualTo(HaConfig.DEFAULTS);
            assertThat(JsonCodec.decodeConfig("{\"ttl\": 40}")).isEqualTo(new HaConfig(40, 10, 10, 1_048_576L, null, null, null, null, null, null));
        }

        @Test
        void isRejectedWhenLoopWaitAndTwoRetriesExceedTheTtl() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> JsonCodec.decodeConfig("{\"ttl\": 10, \"loop_wait\": 5, \"retry_timeout\": 3}"))
                    .withMessageContaining("config.ttl")
                    .withMessageContaining("loop_wait + 2*retry_timeout = 11 (got 10)");
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
                not JSON                 | {ttl: 30                                  | not JSON
                a JSON array             | [30, 10, 10]                              | expected a JSON object
                ttl as a word            | {"ttl": "thirty"}                         | Integer
                a zero ttl               | {"ttl": 0}                                | config.ttl: must be > 0
                a negative lag limit     | {"maximum_lag_on_failover": -1}           | config.maximum_lag_on_failover: must be >= 0
                """)
        void thatIsGarbageIsRejectedWithAReason(String description, String json, String reason) {
            assertThatIllegalArgumentException().isThrownBy(() -> JsonCodec.decodeConfig(json))
                    .withMessageContaining(reason);
        }
    }

    @Nested
    class Status {

        @Test
        void isWrittenAsTheOptimeByteNumber() throws Exception {
            JsonNode json = tree(JsonCodec.encodeStatus(Lsn.parse("0/3000060")));

            assertThat(json.get("optime").asLong()).isEqualTo(50_331_744L);
        }

        @Test
        void survivesARoundTrip() {
            for (Lsn lsn : List.of(Lsn.ZERO, Lsn.parse("0/3000060"), Lsn.parse("16/B374D848"))) {
                assertThat(JsonCodec.decodeStatus(JsonCodec.encodeStatus(lsn))).isEqualTo(lsn);
            }
        }

        @Test
        void writtenByPatroniIsReadIgnoringSlots() {
            String patroni = "{\"optime\": 67108960, \"slots\": {\"node2\": 67108960}, \"retain_slots\": [\"node2\"]}";

            assertThat(JsonCodec.decodeStatus(patroni)).isEqualTo(new Lsn(67_108_960L));
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                not JSON            | not JSON
                {}                  | optime must be a non-negative integer
                {"optime": -5}      | optime must be a non-negative integer
                {"optime": "0/3"}   | optime must be a non-negative integer
                [1]                 | expected a JSON object
                """)
        void thatIsGarbageIsRejectedWithAReason(String json, String reason) {
            assertThatIllegalArgumentException().isThrownBy(() -> JsonCodec.decodeStatus(json))
                    .withMessageContaining(reason);
        }
    }

    @Nested
    class FailoverRequests {

        @Test
        void surviveARoundTripInPatronisFieldNames() throws Exception {
            FailoverRequest request = FailoverRequest.switchover("node1", java.util.Optional.of("node2"),
                    java.util.Optional.of(java.time.Instant.parse("2026-11-25T18:00:00Z")));

            String json = JsonCodec.encodeFailover(request);

            assertThat(tree(json).fieldNames()).toIterable().containsExactlyInAnyOrder("leader", "member", "scheduled_at");
            assertThat(JsonCodec.decodeFailover(json)).isEqualTo(request);
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                {}                                      | names a leader, a candidate
                {"member": ""}                          | must not be empty
                {"member": 7}                           | member must be a string
                {"member": "n2", "scheduled_at": "now"} | not an ISO-8601 time
                """)
        void thatIsGarbageIsRejectedWithAReason(String json, String reason) {
            assertThatIllegalArgumentException().isThrownBy(() -> JsonCodec.decodeFailover(json))
                    .withMessageContaining(reason);
        }
    }
}
