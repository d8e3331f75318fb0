package io.regent.tests.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regent.common.model.SyncState;
import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The host-loss scenario with {@code synchronous_mode: on}, set the way an operator would (the
 * {@code config} key) once the cluster is steady: the failover must promote the synchronous standby
 * and lose no acknowledged write at all, run after run.
 */
final class SyncHostLossScenario extends HostLossScenario {

    private static final ObjectMapper JSON = new ObjectMapper();
    private String synchronous = "";

    SyncHostLossScenario() {
        super("sync-host-loss", 2);
    }

    @Override
    public String description() {
        return "host loss of the primary with synchronous_mode on (1 synchronous standby of 2), under a writer committing"
                + " every 20 ms";
    }

    @Override
    public Map<Figure, String> goals() {
        Map<Figure, String> goals = new EnumMap<>(super.goals());
        goals.put(Figure.ACKED_WRITES_LOST, "0 (synchronous)");
        return goals;
    }

    @Override
    void beforeWriting(RegentCluster cluster, AgentProcess primary, RunFigures figures) throws Exception {
        String key = cluster.keyPrefix() + "config";
        ObjectNode config = (ObjectNode) JSON.readTree(cluster.etcd().etcdctl("get", key, "--print-value-only").trim());
        config.put("synchronous_mode", "on");
        cluster.etcd().etcdctl("put", key, JSON.writeValueAsString(config));
        long deadline = System.nanoTime() + Measurements.scaled(Duration.ofSeconds(60)).toNanos();
        while (System.nanoTime() - deadline < 0) {
            Optional<SyncState> sync;
            try {
                sync = cluster.clusterView().sync();
            } catch (RuntimeException e) {
                // etcd slow to answer on a loaded machine: ask again
                Thread.sleep(100);
                continue;
            }
            if (sync.isPresent() && sync.get().leader().equals(primary.name()) && !sync.get().standbys().isEmpty()) {
                synchronous = sync.get().standbysByName().get(0);
                figures.note("synchronous_standby", synchronous);
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no synchronous standby was named within 60 s: " + cluster.describe());
    }

    @Override
    void afterFailover(BenchContext context, RegentCluster cluster, AgentProcess old, AgentProcess primary, RunFigures figures) {
        figures.note("promoted_the_synchronous_standby", Boolean.toString(primary.name().equals(synchronous)));
    }
}
