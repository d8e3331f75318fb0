package io.regent.tests.scenario;

import static io.regent.tests.scenario.Failover.measured;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.FreePorts;
import io.regent.tests.fixture.ManagedProcess;
import io.regent.tests.fixture.RegentCluster;
import io.regent.tests.fixture.UnprivilegedUser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HAProxy (Debian's) in front of three nodes with Patroni's usual health check ({@code option httpchk
 * OPTIONS /primary}, {@code http-check expect status 200}, {@code on-marked-down shutdown-sessions}): a
 * client that only knows HAProxy's address keeps writing through a switchover and through the loss of
 * the primary's host, reconnecting after each.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HaproxyIT {

    private static final String SCENARIO = "HAProxy";

    @RegisterExtension
    @Order(1)
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegentCluster cluster = RegentCluster.builder(etcd).nodes(3).build();

    @Test
    void aClientWritingThroughHaproxyKeepsWritingAfterASwitchoverAndAfterAFailover() throws Exception {
        AgentProcess leader = Failover.awaitSteadyCluster(cluster);
        leader.execute("CREATE TABLE through_haproxy (id bigint PRIMARY KEY)");
        int port = FreePorts.allocate();
        Path dir = UnprivilegedUser.newWorkDir("haproxy");
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, config(port, cluster.nodes()), StandardCharsets.UTF_8);
        UnprivilegedUser.chown(config);

        ManagedProcess haproxy = ManagedProcess.create("haproxy", List.of("/usr/sbin/haproxy", "-db", "-f", config.toString()),
                dir, dir.resolve("haproxy.log")).start();
        try (HaproxyClient client = new HaproxyClient(port, leader.superuser())) {
            client.start();
            client.awaitAcks(20, Duration.ofSeconds(30));

            long switchedAt = System.nanoTime();
            AgentProcess candidate = Failover.othersThan(cluster, leader).get(0);
            assertThat(Regentctl.run(Regentctl.against(etcd, cluster, "switchover", "--leader", leader.name(), "--candidate",
                    candidate.name(), "--force"))).contains("Success");
            client.awaitAckOn(candidate, Duration.ofSeconds(30));
            measured(SCENARIO, "switchover: longest time the client could not write", client.longestGapSince(switchedAt));
            client.printServerChanges(switchedAt);
            List<Long> acknowledged = client.acknowledgedIds();
            java.util.Set<Long> present = new java.util.HashSet<>();
            candidate.query("SELECT id FROM through_haproxy").forEach(row -> present.add(((Number) row.get("id")).longValue()));
            assertThat(acknowledged).as("writes acknowledged through HAProxy, all on the new primary after the switchover")
                    .allMatch(present::contains);

            long killedAt = System.nanoTime();
            candidate.kill();
            AgentProcess primary = Failover.awaitNewPrimary(cluster, candidate, Failover.TTL.plusSeconds(15));
            client.awaitAckOn(primary, Duration.ofSeconds(30));
            measured(SCENARIO, "host loss: longest time the client could not write", client.longestGapSince(killedAt));
            client.printServerChanges(killedAt);
        } finally {
            haproxy.close();
        }
        // kept when the test fails: its log shows which server HAProxy sent the client to
        EtcdServerExtension.deleteRecursively(dir);
    }

    private static String config(int port, List<AgentProcess> nodes) {
        StringBuilder servers = new StringBuilder();
        for (AgentProcess node : nodes) {
            servers.append("    server ").append(node.name()).append(" 127.0.0.1:").append(node.pgPort())
                    .append(" maxconn 100 check port ").append(node.apiPort()).append('\n');
        }
        return """
                global
                    maxconn 100
                defaults
                    mode tcp
                    retries 2
                    timeout connect 2s
                    timeout client 30m
                    timeout server 30m
                    timeout check 2s
                listen primary
                    bind 127.0.0.1:%d
                    option httpchk OPTIONS /primary
                    http-check expect status 200
                    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
                %s""".formatted(port, servers);
    }

    /** Inserts one row every ~20 ms through HAProxy, reconnecting after any error; records what was acknowledged. */
    private static final class HaproxyClient implements AutoCloseable {

        private record Ack(long id, long nanos, String server) {
        }

        private final String url;
        private final Properties properties = new Properties();
        private final List<Ack> acks = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this::run, "haproxy-client");

        HaproxyClient(int port, AgentProcess.Credentials superuser) {
            this.url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            properties.setProperty("user", superuser.username());
            properties.setProperty("password", superuser.password());
            properties.setProperty("connectTimeout", "2");
            properties.setProperty("socketTimeout", "5");
            properties.setProperty("ApplicationName", "regent-it-haproxy");
        }

        void start() {
            thread.start();
        }

        private void run() {
            long id = 0;
            Connection connection = null;
            while (running.get()) {
                try {
                    if (connection == null) {
                        connection = DriverManager.getConnection(url, properties);
                    }
                    id++;
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("INSERT INTO through_haproxy VALUES (" + id + ")");
                        String server;
                        try (var rs = statement.executeQuery("SELECT inet_server_port()")) {
                            rs.next();
                            server = rs.getString(1);
                        }
                        acks.add(new Ack(id, System.nanoTime(), server));
                    }
                    sleep(20);
                } catch (SQLException e) {
                    close(connection);
                    connection = null;
                    sleep(50);
                }
            }
            close(connection);
        }

        void awaitAcks(int count, Duration bound) {
            Failover.await(count + " writes through HAProxy", bound, () -> acks.size() >= count);
        }

        /** Waits until a write through HAProxy was acknowledged by {@code node}'s PostgreSQL. */
        void awaitAckOn(AgentProcess node, Duration bound) {
            String port = String.valueOf(node.pgPort());
            Failover.await("a write through HAProxy acknowledged by " + node.name(), bound,
                    () -> acks.stream().anyMatch(a -> a.server().equals(port)));
        }

        Duration longestGapSince(long nanos) {
            long previous = acks.stream().filter(a -> a.nanos() <= nanos).mapToLong(Ack::nanos).max().orElse(nanos);
            long longest = 0;
            for (Ack ack : acks) {
                if (ack.nanos() > nanos) {
                    longest = Math.max(longest, ack.nanos() - previous);
                    previous = ack.nanos();
                }
            }
            return Duration.ofNanos(longest);
        }

        /** The acknowledged writes where the serving PostgreSQL changed, for the test's output. */
        void printServerChanges(long since) {
            String server = null;
            for (Ack ack : acks) {
                if (!ack.server().equals(server)) {
                    System.out.printf("write %d acknowledged by port %s at %+d ms%n", ack.id(), ack.server(),
                            (ack.nanos() - since) / 1_000_000);
                    server = ack.server();
                }
            }
        }

        List<Long> acknowledgedIds() {
            return acks.stream().map(Ack::id).toList();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }

        private static void close(Connection connection) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // reconnecting anyway
                }
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
