package io.regent.common.store.etcd;

import io.etcd.jetcd.Client;
import io.regent.common.store.ClusterAdmin;
import io.regent.common.store.ClusterReader;
import io.regent.common.store.ClusterStore;
import io.regent.common.store.KeyLayout;
import io.regent.common.time.MonotonicClock;
import java.time.Duration;
import java.util.List;

/** Opens etcd-backed stores. The jetcd client stays inside this package. */
public final class EtcdStores {

    private EtcdStores() {
    }

    /**
     * Makes Vert.x (under jetcd, and the agent's REST server) resolve names with the JDK, from
     * /etc/hosts first. Its own DNS client otherwise queries the nameservers of /etc/resolv.conf even
     * for an IP endpoint: with no nameserver reachable, every process's first etcd call waited 5 s.
     * Call before the first Vert.x instance is created.
     */
    public static void preferSystemResolver() {
        if (System.getProperty("vertx.disableDnsResolver") == null) {
            System.setProperty("vertx.disableDnsResolver", "true");
        }
    }

    /**
     * A store acting for one member.
     *
     * @param ttl            lease TTL: how long the member's keys outlive a silent agent
     * @param requestTimeout how long one etcd request may take before it counts as failed
     */
    public static ClusterStore forMember(List<String> endpoints, KeyLayout keys, String memberName, Duration ttl,
                                         Duration requestTimeout, MonotonicClock clock) {
        return new EtcdClusterStore(client(endpoints, requestTimeout), keys, memberName, ttl, requestTimeout, clock);
    }

    /** A read-only view, for tools. */
    public static ClusterReader reader(List<String> endpoints, KeyLayout keys, Duration requestTimeout) {
        return new EtcdClusterStore(client(endpoints, requestTimeout), keys, null, Duration.ofSeconds(1), requestTimeout,
                MonotonicClock.SYSTEM);
    }

    /** The operator's read-write access to one cluster's keys, for regentctl. */
    public static ClusterAdmin admin(List<String> endpoints, KeyLayout keys, Duration requestTimeout) {
        Client client = client(endpoints, requestTimeout);
        return new EtcdClusterAdmin(client, keys, requestTimeout,
                new EtcdClusterStore(client, keys, null, Duration.ofSeconds(1), requestTimeout, MonotonicClock.SYSTEM), true);
    }

    /**
     * The operator-side port on a member store's own etcd client (no second connection), for the agent's
     * {@code PATCH /config}. Closing it does nothing: the member store owns the client.
     */
    public static ClusterAdmin adminSharing(ClusterStore memberStore) {
        if (!(memberStore instanceof EtcdClusterStore store)) {
            throw new IllegalArgumentException("not an etcd member store: " + memberStore.getClass().getName());
        }
        return new EtcdClusterAdmin(store.client(), store.keys(), store.requestTimeout(), store, false);
    }

    private static Client client(List<String> endpoints, Duration requestTimeout) {
        return Client.builder()
                .endpoints(endpoints.toArray(String[]::new))
                .connectTimeout(requestTimeout)
                // jetcd retries failed calls by itself; bound that so one call never outlives our timeout
                .retryMaxDuration(requestTimeout)
                .retryDelay(100)
                .retryMaxDelay(500)
                .keepaliveTime(Duration.ofSeconds(5))
                .keepaliveTimeout(Duration.ofSeconds(3))
                .build();
    }
}
