package io.regent.controller.cli;

import io.regent.common.store.ClusterReader;
import io.regent.common.store.KeyLayout;
import java.time.Duration;
import java.util.List;

/**
 * Opens a read-only view of one cluster in etcd. The real one is
 * {@link io.regent.common.store.etcd.EtcdStores#reader}; tests hand {@link RegentCtl} one that returns
 * a prepared view or fails the way an unreachable etcd does.
 */
@FunctionalInterface
public interface ReaderFactory {

    ClusterReader open(List<String> endpoints, KeyLayout keys, Duration requestTimeout);
}
