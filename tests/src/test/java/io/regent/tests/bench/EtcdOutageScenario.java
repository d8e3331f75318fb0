package io.regent.tests.bench;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.SplitBrainChecker;
import io.regent.tests.fixture.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * etcd outages against a three-member etcd of the run's own (the benchmark's shared etcd has one member):
 * <ul>
 *   <li>{@code etcd-member-loss}: each member in turn is killed for ttl + 2 s and started again. Nothing
 *       should change: no demotion, writes go on;</li>
 *   <li>{@code etcd-quorum-loss}: two members killed for ttl + 5 s, then started again. The leader must stop
 *       taking writes before its lease could expire; the cluster converges by itself once etcd is back;</li>
 *   <li>{@code etcd-quorum-loss-failsafe}: the same with {@code failsafe_mode} on: the leader reaches every
 *       member over the REST API, so it stays primary through the outage.</li>
 * </ul>
 */
final class EtcdOutageScenario implements BenchScenario {

    enum Kind { MEMBER_LOSS, QUORUM_LOSS, QUORUM_LOSS_FAILSAFE }

    private final Kind kind;

    EtcdOutageScenario(Kind kind) {
        this.kind = kind;
    }

    @Override
    public String name() {
        return switch (kind) {
            case MEMBER_LOSS -> "etcd-member-loss";
            case QUORUM_LOSS -> "etcd-quorum-loss";
            case QUORUM_LOSS_FAILSAFE -> "etcd-quorum-loss-failsafe";
        };
    }

    @Override
    public String description() {
        return switch (kind) {
            case MEMBER_LOSS -> "each of 3 etcd members killed in turn for ttl + 2 s (then started again), 2 standbys, "
                    + "writer every 20 ms";
            case QUORUM_LOSS -> "2 of 3 etcd members killed for ttl + 5 s (quorum lost), then started again; 2 standbys, "
                    + "writer every 20 ms";
            case QUORUM_LOSS_FAILSAFE -> "as etcd-quorum-loss with failsafe_mode on (the outage lasts 2 x ttl)";
        };
    }

    @Override
    public Map<Figure, String> goals() {
        Map<Figure, String> goals = new EnumMap<>(Figure.class);
        goals.put(Figure.SPLIT_BRAIN, "0");
        goals.put(Figure.ACKED_WRITES_LOST, "0");
        switch (kind) {
            case MEMBER_LOSS -> goals.put(Figure.PRIMARY_DEMOTIONS, "0");
            case QUORUM_LOSS -> goals.put(Figure.DEMOTED_AFTER_QUORUM_LOSS, "< ttl");
            case QUORUM_LOSS_FAILSAFE -> goals.put(Figure.PRIMARY_DEMOTIONS, "0");
        }
        return goals;
    }

    @Override
    public RunFigures run(BenchContext context) throws Exception {
        EtcdServerExtension etcd = EtcdServerExtension.builder().withNodes(3).build();
        etcd.start();
        try {
            RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).ttl(context.settings().ttl())
                    .loopWait(context.settings().loopWait()).retryTimeout(context.settings().retryTimeout())
                    .maximumLagOnFailover(context.settings().maximumLagOnFailover()).start();
            return ClusterRun.with(context, cluster, started -> runOn(context, etcd, started));
        } finally {
            etcd.close();
        }
    }

    private RunFigures runOn(BenchContext context, EtcdServerExtension etcd, RegentCluster cluster) throws Exception {
        RunFigures figures = new RunFigures();
        AgentProcess primary = Measurements.awaitSteady(cluster);
        if (kind == Kind.QUORUM_LOSS_FAILSAFE) {
            enableFailsafeMode(etcd, cluster, primary);
        }
        Duration ttl = context.ttl();
        try (SplitBrainChecker checker = SplitBrainChecker.start(cluster); Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Measurements.scaled(Duration.ofSeconds(30)));
            if (kind == Kind.MEMBER_LOSS) {
                int demotions = 0;
                for (int member = 0; member < etcd.size(); member++) {
                    etcd.killMember(member);
                    try {
                        demotions += stoppedTakingWrites(primary, ttl.plusSeconds(2)) ? 1 : 0;
                    } finally {
                        etcd.startMember(member);
                    }
                    etcd.awaitHealthy(Duration.ofSeconds(30));
                }
                figures.put(Figure.PRIMARY_DEMOTIONS, demotions);
                HostLossScenario.awaitAck(writer, System.nanoTime(), primary, figures);
                writer.stop();
                figures.put(Figure.LONGEST_GAP, writer.longestGap());
                Measurements.acknowledgedWritesLost(writer, primary, figures);
                Measurements.splitBrain(checker, figures);
                return figures;
            }
            long lost = System.nanoTime();
            etcd.killMember(1);
            etcd.killMember(2);
            try {
                if (kind == Kind.QUORUM_LOSS) {
                    long notWritable = awaitNotWritable(primary, ttl.multipliedBy(3));
                    if (notWritable == 0) {
                        figures.note("demoted_after_quorum_loss", primary.name() + " still took writes 3 x ttl after quorum was lost");
                    } else {
                        figures.putBetween(Figure.DEMOTED_AFTER_QUORUM_LOSS, lost, notWritable);
                    }
                    sleepUntil(lost + ttl.plusSeconds(5).toNanos());
                } else {
                    figures.put(Figure.PRIMARY_DEMOTIONS, stoppedTakingWrites(primary, ttl.multipliedBy(2)) ? 1 : 0);
                }
            } finally {
                etcd.startMember(1);
                etcd.startMember(2);
            }
            long back = System.nanoTime();
            etcd.awaitHealthy(Duration.ofSeconds(30));
            long converged = awaitConverged(cluster, Measurements.scaled(Duration.ofSeconds(90)));
            if (converged == 0) {
                figures.note("converged_after_etcd_back", "no single primary with every standby streaming within 90 s");
                writer.stop();
                Measurements.splitBrain(checker, figures);
                return figures;
            }
            figures.putBetween(Figure.CONVERGED_AFTER_ETCD_BACK, back, converged);
            AgentProcess now = cluster.primaries().get(0);
            HostLossScenario.awaitAck(writer, back, now, figures).ifPresent(ack -> figures.putBetween(Figure.FIRST_WRITE, back, ack.nanos()));
            writer.stop();
            figures.put(Figure.LONGEST_GAP, writer.longestGap());
            if (now != primary) {
                figures.note("primary", "after the outage " + now.name() + " leads instead of " + primary.name());
            }
            Measurements.acknowledgedWritesLost(writer, now, figures);
            Measurements.splitBrain(checker, figures);
        }
        return figures;
    }

    /** Whether {@code primary} stopped taking writes at any 100 ms sample during {@code period}. */
    private static boolean stoppedTakingWrites(AgentProcess primary, Duration period) {
        long end = System.nanoTime() + period.toNanos();
        boolean stopped = false;
        while (System.nanoTime() - end < 0) {
            stopped |= !primary.isWritable();
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        return stopped;
    }

    /** When {@code node} was first seen not writable; 0 if it still was after {@code bound}. */
    private static long awaitNotWritable(AgentProcess node, Duration bound) {
        long end = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() - end < 0) {
            if (!node.isWritable()) {
                return System.nanoTime();
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        return 0;
    }

    /** When exactly one node answered /primary with every other one streaming from it; 0 if not within {@code bound}. */
    private static long awaitConverged(RegentCluster cluster, Duration bound) {
        long end = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() - end < 0) {
            List<AgentProcess> primaries = cluster.primaries();
            if (primaries.size() == 1 && cluster.streamingStandbys(primaries.get(0)).size() == cluster.nodes().size() - 1) {
                return System.nanoTime();
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        return 0;
    }

    private static void sleepUntil(long nanos) {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private static void enableFailsafeMode(EtcdServerExtension etcd, RegentCluster cluster, AgentProcess primary) throws Exception {
        HttpResponse<String> patched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(primary.apiUrl() + "/config"))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"failsafe_mode\": true}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (patched.statusCode() != 200) {
            throw new IllegalStateException("PATCH /config failsafe_mode: " + patched.statusCode() + " " + patched.body());
        }
        long end = System.nanoTime() + Measurements.scaled(Duration.ofSeconds(20)).toNanos();
        while (System.nanoTime() - end < 0) {
            String key = etcd.etcdctl("get", cluster.keyPrefix() + "failsafe", "--print-value-only");
            if (cluster.nodes().stream().allMatch(n -> key.contains("\"" + n.name() + "\""))) {
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
        throw new IllegalStateException("the leader did not write the failsafe key within 20 s");
    }
}
