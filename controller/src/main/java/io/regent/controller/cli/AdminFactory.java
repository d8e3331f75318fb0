package io.regent.controller.cli;

import io.regent.common.store.ClusterAdmin;
import io.regent.common.store.KeyLayout;
import java.time.Duration;
import java.util.List;

/**
 * Opens read-write access to one cluster's keys. The real one is
 * {@link io.regent.common.store.etcd.EtcdStores#admin}; tests hand {@link RegentCtl} an in-memory one.
 */
@FunctionalInterface
public interface AdminFactory {

    ClusterAdmin open(List<String> endpoints, KeyLayout keys, Duration requestTimeout);
}
