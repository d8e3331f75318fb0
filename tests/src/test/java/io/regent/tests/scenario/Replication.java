package io.regent.tests.scenario;

import static org.awaitility.Awaitility.await;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.Timing;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/** Writes acknowledged rows and checks where they can be read: what an operator means by "no data lost". */
final class Replication {

    private static final Duration POLL = Duration.ofMillis(200);

    private Replication() {
    }

    static void createTable(AgentProcess primary) throws SQLException {
        primary.execute("CREATE TABLE IF NOT EXISTS acknowledged (id bigint PRIMARY KEY, note text)");
    }

    /** Inserts {@code from..to} one commit each; a row counts as acknowledged once its commit returned. */
    static void insertRows(AgentProcess primary, long from, long to) throws SQLException {
        for (long id = from; id <= to; id++) {
            primary.execute("INSERT INTO acknowledged VALUES (" + id + ", 'row " + id + "')");
        }
    }

    static long count(AgentProcess node) throws SQLException {
        return Long.parseLong(node.queryValue("SELECT count(*) FROM acknowledged"));
    }

    /** Waits until every node has replayed all {@code rows} acknowledged rows. */
    static void awaitRowsOn(List<AgentProcess> nodes, long rows, Duration bound) {
        for (AgentProcess node : nodes) {
            await("all " + rows + " acknowledged rows readable on " + node.name())
                    .atMost(Timing.scaled(bound))
                    .pollInterval(POLL)
                    .ignoreExceptions()
                    .until(() -> count(node) == rows);
        }
    }
}
