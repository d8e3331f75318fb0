package io.regent.tests.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regent.common.model.SyncState;
import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Synchronous replication switched on the way an operator would, by editing the {@code config} key of a
 * steady cluster, and the wait until the leader's {@code sync} key names its standbys.
 */
final class SynchronousConfig {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SynchronousConfig() {
    }

    /** Applies {@code edit} to the dynamic configuration and waits (60 s, scaled) until {@code sync} names {@code standbys}. */
    static SyncState apply(RegentCluster cluster, AgentProcess primary, Consumer<ObjectNode> edit, int standbys)
            throws Exception {
        String key = cluster.keyPrefix() + "config";
        ObjectNode config = (ObjectNode) JSON.readTree(cluster.etcd().etcdctl("get", key, "--print-value-only").trim());
        edit.accept(config);
        cluster.etcd().etcdctl("put", key, JSON.writeValueAsString(config));
        return awaitNamed(cluster, primary, standbys, Duration.ofSeconds(60));
    }

    /** The leader's {@code sync} key once it names exactly {@code standbys} standbys, waiting up to {@code bound} (scaled). */
    static SyncState awaitNamed(RegentCluster cluster, AgentProcess leader, int standbys, Duration bound) throws InterruptedException {
        Duration scaled = Measurements.scaled(bound);
        long deadline = System.nanoTime() + scaled.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Optional<SyncState> sync;
            try {
                sync = cluster.clusterView().sync();
            } catch (RuntimeException e) {
                // etcd slow to answer on a loaded machine: ask again
                Thread.sleep(100);
                continue;
            }
            if (sync.isPresent() && sync.get().leader().equals(leader.name()) && sync.get().standbys().size() == standbys) {
                return sync.get();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the sync key of " + leader.name() + " did not name " + standbys + " standby(s) within "
                + scaled + ": " + cluster.describe());
    }
}
