package io.regent.tests.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.model.ClusterView;
import io.regent.common.model.KeyProblem;
import io.regent.common.store.ClusterStore;
import io.regent.tests.fixture.EtcdServerExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The one-time bootstrap claim, and reading a cluster whose keys were partly written by hand. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BootstrapAndDecodeStoreIT {

    @RegisterExtension
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    private static final Duration TTL = Duration.ofSeconds(10);

    @Test
    void theBootstrapClaimSucceedsOnceOnlyAndTheSystemIdentifierReplacesIt() {
        try (Stores stores = new Stores(etcd)) {
            ClusterStore first = stores.open("node1", TTL);
            ClusterStore second = stores.open("node2", TTL);
            assertThat(first.load().initialize()).as("a cluster never initialized").isEmpty();

            assertThat(first.claimInitialize()).isTrue();
            assertThat(second.claimInitialize()).as("another member's claim").isFalse();
            assertThat(first.claimInitialize()).as("the same member claiming again").isFalse();
            assertThat(second.load().isBeingInitialized()).isTrue();

            first.completeInitialize("7301234567890123456");
            ClusterView view = second.load();
            assertThat(view.isInitialized()).isTrue();
            assertThat(view.initialize()).contains("7301234567890123456");
            assertThat(second.claimInitialize()).as("a claim on an initialized cluster").isFalse();

            second.cancelInitialize();
            assertThat(stores.etcdValue(stores.keys().initialize()))
                    .as("cancelling does not remove a completed bootstrap")
                    .isEqualTo("7301234567890123456");
        }
    }

    @Test
    void aCancelledClaimLetsAnotherMemberBootstrap() {
        try (Stores stores = new Stores(etcd)) {
            ClusterStore first = stores.open("node1", TTL);
            ClusterStore second = stores.open("node2", TTL);
            assertThat(first.claimInitialize()).isTrue();

            first.cancelInitialize();

            assertThat(second.load().initialize()).isEmpty();
            assertThat(second.claimInitialize()).isTrue();
            assertThat(first.claimInitialize()).isFalse();
        }
    }

    @Test
    void unreadableMemberKeysAreReportedAsProblemsWhileTheOtherMembersStillParse() {
        try (Stores stores = new Stores(etcd)) {
            ClusterStore store = stores.open("node1", TTL);
            store.keepAlive();
            store.publishMember(Stores.member("node1"));
            etcd.etcdctl("put", stores.keys().member("garbage"), "{not json at all");
            etcd.etcdctl("put", stores.keys().member("noconn"), "{\"role\":\"replica\",\"state\":\"running\"}");
            etcd.etcdctl("put", stores.keys().member("node3"),
                    "{\"conn_url\":\"postgres://127.0.0.1:5434/postgres\",\"role\":\"master\",\"state\":\"running\","
                            + "\"xlog_location\":100,\"timeline\":2,\"extra\":\"ignored\"}");

            ClusterView view = store.load();

            assertThat(view.members()).containsOnlyKeys("node1", "node3");
            assertThat(view.member("node1").orElseThrow().connUrl()).isEqualTo(Stores.member("node1").connUrl());
            assertThat(view.member("node3").orElseThrow().timeline()).isEqualTo(2);
            assertThat(view.problems()).extracting(KeyProblem::key)
                    .containsExactlyInAnyOrder(stores.keys().member("garbage"), stores.keys().member("noconn"));
            assertThat(view.problems()).filteredOn(p -> p.key().endsWith("/garbage"))
                    .singleElement().extracting(KeyProblem::reason).asString().contains("not JSON");
            assertThat(view.problems()).filteredOn(p -> p.key().endsWith("/noconn"))
                    .singleElement().extracting(KeyProblem::reason).asString().contains("conn_url");
        }
    }
}
