package io.regent.tests.scenario;

import static io.regent.tests.scenario.Failover.measured;
import static io.regent.tests.scenario.Failover.since;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.Writer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An old primary that pg_rewind cannot repair: its WAL diverged, and the segments holding the fork point
 * and the last common checkpoint are gone from its {@code pg_wal} (what a full disk cleaned by hand, or a
 * {@code pg_resetwal}, leaves). PostgreSQL itself still starts — crash recovery needs only the WAL since the
 * latest checkpoint — but pg_rewind must read back to the fork and fails. The agent clones afresh, keeps
 * the old data directory aside, and says in its log and in the cluster history what was discarded.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RewindImpossibleIT {

    private static final String SCENARIO = "rewind impossible";
    private static final String PG_CONTROLDATA = "/usr/lib/postgresql/15/bin/pg_controldata";

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    /** Without the fence: the test needs the orphaned old primary to keep writing after its agent is gone. */
    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).withoutFence().build();

    @Test
    void anOldPrimaryMissingTheWalPgRewindNeedsIsClonedAfreshWithItsDataKeptAsideAndTheDiscardRecorded() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);
        int oldTimeline = old.timeline();

        try (Writer writer = Writer.start(cluster)) {
            writer.awaitAcknowledged(50, Failover.REPLICATION);
            Failover.Mark mark = Failover.markReplicated(writer, old, standbys);

            old.killAgentOnly();
            AgentProcess primary = Failover.awaitNewPrimary(cluster, old, Failover.TTL.plusSeconds(15));
            writer.awaitAckAfter(mark.nanos(), primary, Duration.ofSeconds(15));
            divergeAndLoseTheForkPoint(old);
            long switchLsn = cluster.history().stream().filter(line -> line.timeline() == oldTimeline).findFirst()
                    .orElseThrow(() -> new AssertionError("no history entry for the end of timeline " + oldTimeline)).switchLsn();
            List<String> removed = removeWalBeforeLatestCheckpoint(old);
            assertThat(removed).as("segments removed from " + old.name() + "'s pg_wal").contains(segmentOf(oldTimeline, switchLsn));

            long restarted = System.nanoTime();
            old.start();
            Failover.await(old.name() + " streams from " + primary.name() + " again", Duration.ofSeconds(120),
                    () -> Failover.allStreaming(primary, List.of(old)));
            measured(SCENARIO, "agent start -> old primary streaming (pg_rewind failed, cloned afresh)", since(restarted));
            writer.awaitAckAfter(System.nanoTime(), primary, Duration.ofSeconds(10));
            writer.stop();

            Failover.assertConverged(cluster, primary, Failover.othersThan(cluster, primary), Duration.ofSeconds(30));
            assertThat(old.queryValue("SELECT to_regclass('public.orphan_only') IS NULL"))
                    .as("the table only the orphaned old primary had is gone with its WAL").isEqualTo("t");
            Failover.assertNoReplicatedWriteLost(writer, mark, primary);
            Failover.awaitEqualPositions(primary, List.of(old));
            assertThat(Writer.idsOn(old)).as("the re-cloned node has every row the leader has").isEqualTo(Writer.idsOn(primary));

            assertThat(asideDirectories(old)).as("the diverged data directory, kept aside").hasSize(1);
            Path aside = asideDirectories(old).get(0);
            assertThat(aside.resolve("PG_VERSION")).as("a whole data directory, not emptied").exists();
            String log = old.logTail(400);
            assertThat(log).contains("rewind failed").contains("is discarded to follow")
                    .contains("the diverged data directory is kept at " + aside);
            String note = cluster.history().stream().filter(line -> line.timeline() == oldTimeline)
                    .flatMap(line -> line.discarded().stream()).filter(n -> n.startsWith(old.name() + " "))
                    .findFirst().orElseThrow(() -> new AssertionError("no note of the discarded WAL in the history entry of timeline "
                            + oldTimeline + ": " + cluster.history()));
            System.out.println("REPORT history note: " + note);
            assertThat(note).contains("discarded WAL " + lsnText(switchLsn) + " to ", "of timeline " + oldTimeline,
                    "pg_rewind failed", "cloned afresh", aside.toString());
        }
    }

    /**
     * Writes on the orphaned old primary (its agent is dead, nobody fences it), then moves it two WAL
     * segments and a checkpoint past the fork, and kills it: its latest checkpoint is after the fork.
     */
    private static void divergeAndLoseTheForkPoint(AgentProcess old) throws Exception {
        old.execute("CREATE TABLE orphan_only (id int)");
        old.execute("INSERT INTO orphan_only VALUES (1)");
        for (int i = 0; i < 2; i++) {
            old.queryValue("SELECT pg_switch_wal()");
            old.execute("INSERT INTO orphan_only VALUES (" + (i + 2) + ")");
            old.execute("CHECKPOINT");
        }
        old.kill();
    }

    /** Removes every WAL segment older than the one holding the latest checkpoint's redo point: the names removed. */
    private static List<String> removeWalBeforeLatestCheckpoint(AgentProcess node) throws IOException, InterruptedException {
        Process controldata = new ProcessBuilder(PG_CONTROLDATA, "-D", node.dataDir().toString()).redirectErrorStream(true).start();
        String out = new String(controldata.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(controldata.waitFor()).as("pg_controldata: " + out).isZero();
        String redoFile = out.lines().filter(l -> l.startsWith("Latest checkpoint's REDO WAL file:"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst()
                .orElseThrow(() -> new AssertionError("no REDO WAL file in pg_controldata output: " + out));
        List<String> removed = new ArrayList<>();
        try (Stream<Path> files = Files.list(node.dataDir().resolve("pg_wal"))) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.matches("[0-9A-F]{24}") && name.substring(8).compareTo(redoFile.substring(8)) < 0) {
                    Files.delete(file);
                    removed.add(name);
                }
            }
        }
        System.out.println("removed from " + node.name() + "'s pg_wal (latest redo in " + redoFile + "): " + removed);
        return removed;
    }

    private static String segmentOf(int timeline, long lsn) {
        return String.format("%08X%08X%08X", timeline, lsn >>> 32, (lsn & 0xFFFFFFFFL) >>> 24);
    }

    private static String lsnText(long lsn) {
        return String.format("%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL);
    }

    private static List<Path> asideDirectories(AgentProcess node) throws IOException {
        Path data = node.dataDir();
        try (Stream<Path> siblings = Files.list(data.getParent())) {
            return siblings.filter(p -> p.getFileName().toString().startsWith(data.getFileName() + ".diverged-")).toList();
        }
    }
}
