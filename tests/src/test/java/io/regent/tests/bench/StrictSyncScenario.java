package io.regent.tests.bench;

import io.regent.common.model.SyncState;
import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code synchronous_mode: strict} through three faults under the writer: (A) both standbys' hosts lost
 * for about a ttl, during which the primary must acknowledge nothing; (B) one standby back, after which
 * writes resume; then, with the other standby back too, (C) the primary's host lost, which must promote
 * the standby that returned first (the one {@code sync} names) and lose no acknowledged write. The
 * second standby returns before (C) because a strict primary acknowledges nothing without a standby: with
 * it still down, the new primary could not take a single write.
 */
final class StrictSyncScenario extends SyncHostLossScenario {

    /** A commit the standby confirmed just before its kill may reach the writer a little later. */
    static final Duration IN_FLIGHT_GRACE = Duration.ofMillis(500);

    StrictSyncScenario() {
        super("sync-strict", "strict");
    }

    @Override
    public String description() {
        return "synchronous_mode strict, 2 standbys, writer every 20 ms: both standbys' hosts lost for a ttl (writes must"
                + " block), one back (writes resume), the other back, then host loss of the primary";
    }

    @Override
    public Map<Figure, String> goals() {
        Map<Figure, String> goals = new EnumMap<>(super.goals());
        goals.put(Figure.ACKED_WITH_NO_STANDBY, "0");
        goals.put(Figure.WRITES_RESUMED, "≤ the standby's start-up + 1 s ('*' takes any standby, no HA cycle)");
        return goals;
    }

    @Override
    void beforeFault(BenchContext context, RegentCluster cluster, AgentProcess primary, Writer writer, RunFigures figures)
            throws Exception {
        List<AgentProcess> standbys = Measurements.othersThan(cluster, primary);
        List<ProcessHandle> hosts = new ArrayList<>();
        standbys.forEach(standby -> hosts.addAll(hostProcesses(standby)));
        long killed = System.nanoTime();
        hosts.forEach(ProcessHandle::destroyForcibly);
        standbys.forEach(AgentProcess::kill);
        Thread.sleep(context.ttl().toMillis());

        long restarted = System.nanoTime();
        long graceEnd = killed + IN_FLIGHT_GRACE.toNanos();
        long acked = writer.acknowledged().stream().filter(a -> a.nanos() > graceEnd && a.nanos() < restarted).count();
        long inFlight = writer.acknowledged().stream().filter(a -> a.nanos() > killed && a.nanos() <= graceEnd).count();
        long failed = writer.failures().stream().filter(f -> f.nanos() > killed && f.nanos() < restarted).count();
        figures.put(Figure.ACKED_WITH_NO_STANDBY, acked);
        figures.note("no_standby", "both standbys' hosts killed for " + context.ttl().toSeconds() + " s: " + acked
                + " writes acknowledged after the first " + IN_FLIGHT_GRACE.toMillis() + " ms (" + inFlight + " within them), "
                + failed + " inserts failed or timed out; primaries at its end " + names(cluster.primaries()) + ", sync key "
                + syncKey(cluster));

        AgentProcess returning = standbys.get(0);
        returning.start();
        Writer.Ack resumed = writer.awaitAckAfter(restarted, primary, Duration.ofSeconds(60));
        figures.putBetween(Figure.WRITES_RESUMED, restarted, resumed.nanos());

        AgentProcess other = standbys.get(1);
        other.start();
        cluster.awaitStreamingStandbys(primary, 2, Measurements.BOOTSTRAP);
        SyncState sync = SynchronousConfig.awaitNamed(cluster, primary, 1, Duration.ofSeconds(60));
        synchronousStandby(sync.standbysByName().get(0), figures);
        figures.note("sync_after_return", "the sync key names " + sync.standbysByName() + "; " + returning.name()
                + " returned first");
    }

    private static String syncKey(RegentCluster cluster) {
        try {
            return cluster.clusterView().sync().map(SyncState::standbysByName).map(Object::toString).orElse("absent");
        } catch (RuntimeException e) {
            return "unread (etcd did not answer: " + e.getMessage() + ")";
        }
    }

    private static String names(List<AgentProcess> nodes) {
        return nodes.stream().map(AgentProcess::name).toList().toString();
    }
}
