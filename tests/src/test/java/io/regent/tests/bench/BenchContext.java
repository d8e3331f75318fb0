package io.regent.tests.bench;

import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.NetNs;
import io.regent.tests.fixture.RegentCluster;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * What every run shares: one etcd (each cluster gets its own scope), the HA settings, how long an
 * idle footprint sample lasts, and the progress output.
 */
public final class BenchContext {

    private final EtcdServerExtension etcd;
    private final HaSettings settings;
    private final Duration footprintSample;
    private final boolean keepLogs;
    private final PrintStream out;
    private final Optional<NetNs> networks;

    BenchContext(EtcdServerExtension etcd, Optional<NetNs> networks, HaSettings settings, Duration footprintSample,
                 boolean keepLogs, PrintStream out) {
        this.networks = networks;
        this.keepLogs = keepLogs;
        this.etcd = etcd;
        this.settings = settings;
        this.footprintSample = footprintSample;
        this.out = out;
    }

    /** A started cluster of {@code nodes} agents with the benchmark's HA settings (the caller closes it). */
    public RegentCluster newCluster(int nodes) {
        return newCluster(nodes, settings);
    }

    /** A started cluster with other HA settings than the benchmark's (the scenario reports them). */
    public RegentCluster newCluster(int nodes, HaSettings settings) {
        return RegentCluster.builder(etcd)
                .nodes(nodes)
                .ttl(settings.ttl())
                .loopWait(settings.loopWait())
                .retryTimeout(settings.retryTimeout())
                .maximumLagOnFailover(settings.maximumLagOnFailover())
                .start();
    }

    /**
     * A started cluster with the benchmark's settings, each node in its own network namespace so it
     * can be {@linkplain RegentCluster#isolate isolated}; only for scenarios that
     * {@linkplain BenchScenario#needsNetworkNamespaces() need namespaces}.
     */
    public RegentCluster newIsolatableCluster(int nodes) {
        NetNs lab = networks.orElseThrow(() -> new IllegalStateException(
                "network namespaces need root and iproute2: run bin/bench as root for the partition scenarios"));
        return RegentCluster.builder(etcd)
                .nodes(nodes)
                .ttl(settings.ttl())
                .loopWait(settings.loopWait())
                .retryTimeout(settings.retryTimeout())
                .maximumLagOnFailover(settings.maximumLagOnFailover())
                .networkNamespaces(lab)
                .start();
    }

    public EtcdServerExtension etcd() {
        return etcd;
    }

    public HaSettings settings() {
        return settings;
    }

    public Duration ttl() {
        return Duration.ofSeconds(settings.ttl());
    }

    /** Whether a completed run keeps its cluster directory (agent logs) for a look at where the time went. */
    public boolean keepLogs() {
        return keepLogs;
    }

    public Duration footprintSample() {
        return footprintSample;
    }

    /** A progress line on the terminal, stamped with the wall-clock time. */
    public void progress(String format, Object... args) {
        out.printf("[bench %s] %s%n", LocalTime.now().truncatedTo(ChronoUnit.SECONDS), String.format(format, args));
        out.flush();
    }
}
