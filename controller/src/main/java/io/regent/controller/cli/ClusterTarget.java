package io.regent.controller.cli;

import io.regent.common.store.KeyLayout;
import java.time.Duration;
import java.util.List;

/** Which cluster a command reads: etcd endpoints, key namespace and scope, resolved from the options. */
public record ClusterTarget(List<String> endpoints, String namespace, String scope, Duration requestTimeout) {

    public ClusterTarget {
        endpoints = List.copyOf(endpoints);
    }

    public KeyLayout keys() {
        return new KeyLayout(namespace, scope);
    }

    public String endpointList() {
        return String.join(",", endpoints);
    }
}
