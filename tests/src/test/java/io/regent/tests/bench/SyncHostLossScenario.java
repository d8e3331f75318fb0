package io.regent.tests.bench;

import io.regent.common.model.SyncState;
import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import java.util.EnumMap;
import java.util.Map;

/**
 * The host-loss scenario with a synchronous mode ({@code on} by default), set the way an operator would
 * (the {@code config} key) once the cluster is steady: the failover must promote the synchronous standby
 * and lose no acknowledged write at all, run after run.
 */
class SyncHostLossScenario extends HostLossScenario {

    private final String mode;
    private String synchronous = "";

    SyncHostLossScenario() {
        this("sync-host-loss", "on");
    }

    SyncHostLossScenario(String name, String mode) {
        super(name, 2);
        this.mode = mode;
    }

    @Override
    public String description() {
        return "host loss of the primary with synchronous_mode " + mode + " (1 synchronous standby of 2), under a writer"
                + " committing every 20 ms";
    }

    @Override
    public Map<Figure, String> goals() {
        Map<Figure, String> goals = new EnumMap<>(super.goals());
        goals.put(Figure.ACKED_WRITES_LOST, "0 (synchronous)");
        goals.put(Figure.PROMOTED_SYNC_STANDBY, "1");
        return goals;
    }

    @Override
    void beforeWriting(RegentCluster cluster, AgentProcess primary, RunFigures figures) throws Exception {
        SyncState sync = SynchronousConfig.apply(cluster, primary, config -> config.put("synchronous_mode", mode), 1);
        synchronousStandby(sync.standbysByName().get(0), figures);
    }

    /** The standby the failover must promote: the one the leader's {@code sync} key names at the fault. */
    void synchronousStandby(String name, RunFigures figures) {
        synchronous = name;
        figures.note("synchronous_standby", name);
    }

    @Override
    void afterFailover(BenchContext context, RegentCluster cluster, AgentProcess old, AgentProcess primary, RunFigures figures) {
        boolean promotedTheSynchronous = primary.name().equals(synchronous);
        figures.put(Figure.PROMOTED_SYNC_STANDBY, promotedTheSynchronous ? 1 : 0);
        figures.note("promoted_the_synchronous_standby", Boolean.toString(promotedTheSynchronous));
    }
}
