package io.regent.tests.store;

import io.regent.common.model.Member;
import io.regent.common.model.PgState;
import io.regent.common.model.Role;
import io.regent.common.model.Tags;
import io.regent.common.store.ClusterStore;
import io.regent.common.store.KeyLayout;
import io.regent.common.store.etcd.EtcdStores;
import io.regent.common.time.MonotonicClock;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The stores one test opens against one scope of the shared etcd; closes them all at the end of
 * the test ({@code try (Stores stores = new Stores(etcd)) { ... }}).
 */
final class Stores implements AutoCloseable {

    static final String NAMESPACE = "/service/";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

    private final EtcdServerExtension etcd;
    private final String scope;
    private final KeyLayout keys;
    private final List<ClusterStore> opened = new ArrayList<>();

    Stores(EtcdServerExtension etcd) {
        this.etcd = etcd;
        this.scope = etcd.newPrefix();
        this.keys = new KeyLayout(NAMESPACE, scope);
    }

    String scope() {
        return scope;
    }

    KeyLayout keys() {
        return keys;
    }

    /** A store acting for {@code member}, with lease TTL {@code ttl} (not scaled: it is what is tested). */
    ClusterStore open(String member, Duration ttl) {
        ClusterStore store = EtcdStores.forMember(etcd.clientEndpoints(), keys, member, ttl,
                Timing.scaled(REQUEST_TIMEOUT), MonotonicClock.SYSTEM);
        opened.add(store);
        return store;
    }

    /** The value of one key read with etcdctl (not through the store under test), or empty if absent. */
    String etcdValue(String key) {
        return etcd.etcdctl("get", "--print-value-only", key).strip();
    }

    /** A plausible member record, as an agent would publish it. */
    static Member member(String name) {
        return new Member(name, Role.REPLICA, PgState.RUNNING, "postgres://replicator@127.0.0.1:5432/postgres",
                "http://127.0.0.1:8008/patroni", 50_331_648L, 1, null, Tags.DEFAULTS, "0.1.0", 0);
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (ClusterStore store : opened) {
            try {
                store.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
