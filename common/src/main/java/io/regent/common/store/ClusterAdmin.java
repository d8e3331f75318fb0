package io.regent.common.store;

import io.regent.common.model.FailoverRequest;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The operator's writes to one cluster's keys (what {@code regentctl} needs beyond reading): the dynamic
 * configuration by compare-and-swap, the {@code failover} request, and wiping the cluster. The agents'
 * ownership keys ({@code leader}, {@code members/*}) are never written here.
 *
 * <p>Every write that could race another operator or an agent is a transaction: it either happens on the
 * value the caller read, or reports that it did not ({@code false} / empty) and changes nothing.
 */
public interface ClusterAdmin extends ClusterReader {

    /** A key's raw value and the etcd revision of its last change. */
    record Versioned(String value, long modRevision) {
    }

    /**
     * The raw {@code config} value as stored (JSON, unknown fields included) and its mod revision;
     * empty when the key is absent.
     *
     * @throws StoreUnavailableException if etcd did not answer
     */
    Optional<Versioned> readConfig();

    /**
     * Replaces {@code config} with {@code json} only if the key still has {@code expectedModRevision}
     * ({@code 0}: only if the key is absent). The value is first decoded the way the agents decode it;
     * a value they would reject is never written.
     *
     * @return the key's new mod revision; empty if somebody changed the key since {@code expectedModRevision}
     *         (nothing written)
     * @throws IllegalArgumentException  with the agents' reason when they would reject {@code json}
     * @throws StoreUnavailableException if etcd did not answer (the write may or may not have happened)
     */
    OptionalLong replaceConfig(String json, long expectedModRevision);

    /** The raw {@code failover} value and its mod revision; empty when no request is pending. */
    Optional<Versioned> readFailover();

    /** Writes (or overwrites) the {@code failover} request. */
    void writeFailover(FailoverRequest request);

    /** Deletes the {@code failover} request; false if there was none. */
    boolean deleteFailover();

    /**
     * Deletes every key under the cluster's prefix in one transaction that first checks the
     * {@code leader} key is absent, so a cluster with a live leader is never wiped by accident.
     *
     * @return the number of keys deleted, or empty (nothing deleted) when a leader holds the key
     */
    OptionalLong removeClusterIfLeaderless();

    /** Deletes every key under the cluster's prefix, leader key included; returns how many. */
    long removeCluster();
}
