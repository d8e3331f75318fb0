package io.regent.common.config;

import java.util.List;

/** Where etcd is: one or more client URLs of the same etcd cluster. */
public record EtcdConfig(List<String> endpoints) {

    public EtcdConfig {
        endpoints = endpoints == null ? null : List.copyOf(endpoints);
    }
}
