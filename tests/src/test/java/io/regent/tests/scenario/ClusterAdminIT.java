package io.regent.tests.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regent.common.model.FailoverRequest;
import io.regent.common.store.ClusterAdmin;
import io.regent.common.store.ClusterStore;
import io.regent.common.store.KeyLayout;
import io.regent.common.store.etcd.EtcdStores;
import io.regent.common.time.MonotonicClock;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.Timing;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's writes ({@link ClusterAdmin}, what regentctl uses) against a real etcd, each checked with
 * etcdctl: compare-and-swap on the config key's revision, the agents' validation before any write, the
 * failover key, and removal guarded by the leader key in the same transaction.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterAdminIT {

    private static final String CONFIG = "{\"ttl\":10,\"loop_wait\":1,\"retry_timeout\":3}";

    @RegisterExtension
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    private final KeyLayout keys = new KeyLayout("/service/", etcd.newPrefix());

    private ClusterAdmin admin() {
        return EtcdStores.admin(etcd.clientEndpoints(), keys, Timing.seconds(3));
    }

    private String value(String key) {
        return etcd.etcdctl("get", "--print-value-only", key).strip();
    }

    @Test
    void theConfigIsReplacedOnlyAtTheRevisionRead() {
        try (ClusterAdmin admin = admin()) {
            assertThat(admin.readConfig()).isEmpty();
            OptionalLong created = admin.replaceConfig(CONFIG, 0);
            assertThat(created).isPresent();
            assertThat(admin.replaceConfig(CONFIG, 0)).as("create-if-absent on an existing key").isEmpty();
            ClusterAdmin.Versioned read = admin.readConfig().orElseThrow();
            assertThat(read).isEqualTo(new ClusterAdmin.Versioned(CONFIG, created.getAsLong()));

            etcd.etcdctl("put", keys.config(), CONFIG.replace("\"ttl\":10", "\"ttl\":12"));
            assertThat(admin.replaceConfig(CONFIG.replace("\"loop_wait\":1", "\"loop_wait\":2"), read.modRevision()))
                    .as("a write based on a revision somebody else moved on from").isEmpty();
            assertThat(value(keys.config())).contains("\"ttl\":12", "\"loop_wait\":1");

            long current = admin.readConfig().orElseThrow().modRevision();
            OptionalLong written = admin.replaceConfig(CONFIG.replace("\"loop_wait\":1", "\"loop_wait\":2"), current);
            assertThat(written).isPresent();
            assertThat(admin.readConfig().orElseThrow().modRevision()).isEqualTo(written.getAsLong());
            assertThat(value(keys.config())).contains("\"loop_wait\":2");
        }
    }

    @Test
    void aConfigTheAgentsWouldRejectIsNeverWritten() {
        try (ClusterAdmin admin = admin()) {
            long revision = admin.replaceConfig(CONFIG, 0).orElseThrow();

            assertThatThrownBy(() -> admin.replaceConfig("{\"ttl\":1,\"loop_wait\":1,\"retry_timeout\":3}", revision))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("config.ttl: must be >=");
            assertThatThrownBy(() -> admin.replaceConfig(CONFIG.replace("}", ",\"pause\":\"yes\"}"), revision))
                    .hasMessage("pause must be true or false");
            assertThatThrownBy(() -> admin.replaceConfig("[]", revision)).hasMessage("expected a JSON object");

            assertThat(value(keys.config())).isEqualTo(CONFIG);
        }
    }

    @Test
    void theFailoverRequestIsWrittenInPatronisShapeAndDeleted() {
        try (ClusterAdmin admin = admin()) {
            admin.writeFailover(FailoverRequest.switchover("node1", Optional.of("node2"),
                    Optional.of(Instant.parse("2099-01-01T00:00:00Z"))));

            assertThat(value(keys.failover()))
                    .isEqualTo("{\"leader\":\"node1\",\"member\":\"node2\",\"scheduled_at\":\"2099-01-01T00:00:00Z\"}");
            assertThat(admin.load().failover()).isPresent();
            assertThat(admin.deleteFailover()).isTrue();
            assertThat(admin.deleteFailover()).isFalse();
            assertThat(admin.readFailover()).isEmpty();
        }
    }

    @Test
    void removalIsRefusedWhileALeaderHoldsTheKeyAndThenWipesEveryKey() {
        try (ClusterAdmin admin = admin();
             ClusterStore node1 = EtcdStores.forMember(etcd.clientEndpoints(), keys, "node1", Duration.ofSeconds(10),
                     Timing.seconds(3), MonotonicClock.SYSTEM)) {
            admin.replaceConfig(CONFIG, 0);
            etcd.etcdctl("put", keys.initialize(), "7301234567890123456");
            node1.keepAlive();
            assertThat(node1.acquireLeader()).isTrue();
            String other = "/service/" + etcd.newPrefix() + "/config";
            etcd.etcdctl("put", other, CONFIG);

            assertThat(admin.removeClusterIfLeaderless()).isEmpty();
            assertThat(value(keys.config())).isEqualTo(CONFIG);

            assertThat(node1.releaseLeader()).isTrue();
            assertThat(admin.removeClusterIfLeaderless()).hasValue(2);
            assertThat(etcd.etcdctl("get", keys.prefix(), "--prefix", "--keys-only").strip()).isEmpty();
            assertThat(value(other)).as("another cluster's keys").isEqualTo(CONFIG);
        }
    }
}
