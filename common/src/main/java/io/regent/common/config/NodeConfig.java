package io.regent.common.config;

import io.regent.common.model.Tags;

/** One node's configuration file, parsed and validated by {@link ConfigLoader}. */
public record NodeConfig(
        String scope,
        String name,
        String namespace,
        EtcdConfig etcd,
        RestApiConfig restapi,
        PostgresConfig postgresql,
        Tags tags,
        BootstrapConfig bootstrap,
        FenceConfig fence,
        WatchdogConfig watchdog) {

    public static final String DEFAULT_NAMESPACE = "/service/";

    public NodeConfig {
        namespace = namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace;
        tags = tags == null ? Tags.DEFAULTS : tags;
        bootstrap = bootstrap == null ? new BootstrapConfig(null) : bootstrap;
        fence = fence == null ? FenceConfig.DEFAULTS : fence;
        watchdog = watchdog == null ? WatchdogConfig.DEFAULTS : watchdog;
    }

    /** The fence process's socket: {@code fence.socket}, or beside the data directory. */
    public java.nio.file.Path fenceSocket() {
        return fence.socketFor(postgresql.dataDir());
    }

    public NodeConfig withPostgresql(PostgresConfig newPostgresql) {
        return new NodeConfig(scope, name, namespace, etcd, restapi, newPostgresql, tags, bootstrap, fence, watchdog);
    }
}
