package io.regent.tests.scenario;

import static io.regent.tests.scenario.Failover.measured;
import static io.regent.tests.scenario.Failover.since;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.RegentCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An old primary whose WAL diverged rejoins by itself. The divergence is made for sure: the primary's
 * agent dies while its PostgreSQL keeps running, a standby takes over once the lease expires, and a
 * row is then written straight into the orphaned old primary. When the agent comes back it demotes,
 * finds its WAL past the fork point and repairs: with pg_rewind, or (rewind switched off) with a fresh
 * clone, the old data directory kept aside. The fence is off here: with it, the orphaned primary would be
 * stopped before the standby takes over (AgentHangFenceIT), and no divergence could be made.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RejoinIT {

    private static final String SCENARIO = "diverged old primary rejoins";

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).withoutFence().build();

    @Test
    @Order(1)
    void aDivergedOldPrimaryIsRewoundAndStreamsFromTheNewPrimary() throws Exception {
        Diverged diverged = divergeThePrimary();

        diverged.old().start();

        AgentProcess old = diverged.old();
        Failover.await(old.name() + " streams from " + diverged.primary().name() + " again", Duration.ofSeconds(90),
                () -> Failover.allStreaming(diverged.primary(), List.of(old)));
        measured(SCENARIO, "agent start -> old primary streaming (rewind)", since(diverged.restarted()));
        assertRejoined(diverged);
        assertThat(old.logTail(400)).contains("rewound").contains("is discarded to follow");
        assertThat(asideDirectories(old)).as("nothing moved aside: the rewind worked").isEmpty();
    }

    @Test
    @Order(2)
    void withRewindOffTheDivergedOldPrimaryIsClonedAfreshAndItsDataKeptAside() throws Exception {
        Diverged diverged = divergeThePrimary();
        AgentProcess old = diverged.old();
        old.writeConfig(old.configYaml().replaceFirst("(?m)^postgresql:\\n", "postgresql:\n  use_pg_rewind: false\n"));

        old.start();

        Failover.await(old.name() + " streams from " + diverged.primary().name() + " again", Duration.ofSeconds(90),
                () -> Failover.allStreaming(diverged.primary(), List.of(old)));
        measured(SCENARIO, "agent start -> old primary streaming (re-clone)", since(diverged.restarted()));
        assertRejoined(diverged);
        assertThat(asideDirectories(old)).as("the diverged data directory, kept aside").hasSize(1);
    }

    /** The old primary's PostgreSQL wrote a row nobody else has, after another member was promoted. */
    private record Diverged(AgentProcess old, AgentProcess primary, long restarted) {
    }

    private static Diverged divergeThePrimary() throws Exception {
        AgentProcess old = Failover.awaitSteadyCluster(cluster);
        List<AgentProcess> standbys = Failover.othersThan(cluster, old);
        Failover.awaitEachStreaming(old, standbys, System.nanoTime(), Duration.ofSeconds(30));
        old.execute("CREATE TABLE IF NOT EXISTS rejoin (id bigint PRIMARY KEY, note text)");
        old.execute("INSERT INTO rejoin VALUES (" + System.nanoTime() + ", 'replicated')");
        Failover.awaitEqualPositions(old, standbys);

        old.killAgentOnly();
        AgentProcess primary = Failover.awaitNewPrimary(cluster, old, Failover.TTL.plusSeconds(15));
        old.execute("INSERT INTO rejoin VALUES (-1, 'written on the orphaned old primary only')");
        old.execute("CHECKPOINT");
        assertThat(old.isWritable()).as("the orphaned old primary still takes writes (no agent fences it)").isTrue();
        return new Diverged(old, primary, System.nanoTime());
    }

    private static void assertRejoined(Diverged diverged) throws Exception {
        AgentProcess old = diverged.old();
        AgentProcess primary = diverged.primary();
        int timeline = Failover.assertConverged(cluster, primary, Failover.othersThan(cluster, primary), Duration.ofSeconds(30));
        assertThat(old.timeline()).as(old.name() + "'s timeline").isEqualTo(timeline);
        assertThat(old.queryValue("SELECT count(*) FROM rejoin WHERE id = -1"))
                .as("the row only the orphaned primary had is gone: its WAL was discarded").isEqualTo("0");
        String marker = "rejoined-" + System.nanoTime();
        primary.execute("INSERT INTO rejoin VALUES (" + System.nanoTime() + ", '" + marker + "')");
        Failover.await("a new row reaches " + old.name(), Duration.ofSeconds(15),
                () -> "1".equals(Failover.valueOrNull(old, "SELECT count(*) FROM rejoin WHERE note = '" + marker + "'")));
    }

    private static List<Path> asideDirectories(AgentProcess node) throws IOException {
        Path data = node.dataDir();
        try (Stream<Path> siblings = Files.list(data.getParent())) {
            return siblings.filter(p -> p.getFileName().toString().startsWith(data.getFileName() + ".diverged-")).toList();
        }
    }
}
