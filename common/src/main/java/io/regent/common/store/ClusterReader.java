package io.regent.common.store;

import io.regent.common.model.ClusterView;

/** Reads the cluster's state as one consistent snapshot. All a read-only tool (regentctl) needs. */
public interface ClusterReader extends AutoCloseable {

    /**
     * One range read of the cluster prefix.
     *
     * @throws StoreUnavailableException if etcd did not answer within the request timeout
     */
    ClusterView load();

    @Override
    void close();
}
