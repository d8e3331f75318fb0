package io.regent.agent.postgres;

import io.regent.common.model.Lsn;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * Reads the local PostgreSQL's state: role, timeline, positions, upstream. Keeps one connection open
 * between probes (a new backend per cycle would cost a fork every second) and reconnects after any
 * failure. Used by the HA loop thread only.
 */
public final class LocalProbe implements AutoCloseable {

    private static final String STATE = """
            SELECT pg_is_in_recovery() AS in_recovery,
                   CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS current_lsn,
                   pg_last_wal_receive_lsn()::text AS receive_lsn,
                   pg_last_wal_replay_lsn()::text AS replay_lsn,
                   CASE WHEN pg_is_in_recovery() THEN NULL
                        ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS primary_tli,
                   (SELECT timeline_id FROM pg_control_checkpoint()) AS checkpoint_tli,
                   (SELECT system_identifier FROM pg_control_system())::text AS sysid,
                   current_setting('server_version') AS version,
                   current_setting('primary_conninfo') AS primary_conninfo
            """;

    private static final String RECEIVER = """
            SELECT status, sender_host, sender_port, received_tli FROM pg_stat_wal_receiver
            """;

    private final PgConnections connections;
    private Connection connection;

    public LocalProbe(PgConnections connections) {
        this.connections = connections;
    }

    /** @throws SQLException when PostgreSQL does not accept a connection or a query fails */
    public PgProbe probe() throws SQLException {
        try {
            return probeOver(connection());
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = connections.open();
        }
        return connection;
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // the connection is being dropped anyway
            }
            connection = null;
        }
    }

    private PgProbe probeOver(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            Optional<PgProbe.WalReceiver> receiver = receiver(statement);
            try (ResultSet rs = statement.executeQuery(STATE)) {
                rs.next();
                boolean inRecovery = rs.getBoolean("in_recovery");
                Lsn position;
                Lsn replayed;
                int timeline;
                if (inRecovery) {
                    replayed = lsn(rs.getString("replay_lsn"));
                    position = Lsn.max(lsn(rs.getString("receive_lsn")), replayed);
                    timeline = receiver.isPresent() ? receiver.get().timeline() : replayTimeline(rs.getInt("checkpoint_tli"));
                } else {
                    position = lsn(rs.getString("current_lsn"));
                    replayed = position;
                    timeline = rs.getInt("primary_tli");
                }
                return new PgProbe(inRecovery, timeline, position, replayed, Upstream.fromConninfo(rs.getString("primary_conninfo")),
                        receiver, rs.getString("sysid"), rs.getString("version"));
            }
        }
    }

    /**
     * The timeline a standby without a WAL receiver replays: {@code pg_control_checkpoint()} only
     * moves at the next restartpoint, so after a switch it would under-report; {@code IDENTIFY_SYSTEM}
     * over a replication connection to the local server tells the current one.
     */
    private int replayTimeline(int checkpointTimeline) {
        try (Connection replication = connections.openReplication(); Statement statement = replication.createStatement();
             ResultSet rs = statement.executeQuery("IDENTIFY_SYSTEM")) {
            return rs.next() ? rs.getInt("timeline") : checkpointTimeline;
        } catch (SQLException e) {
            return checkpointTimeline;
        }
    }

    private static Optional<PgProbe.WalReceiver> receiver(Statement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery(RECEIVER)) {
            if (!rs.next() || rs.getString("sender_host") == null) {
                return Optional.empty();
            }
            return Optional.of(new PgProbe.WalReceiver(rs.getString("status"),
                    new Upstream(rs.getString("sender_host"), rs.getInt("sender_port")), rs.getInt("received_tli")));
        }
    }

    private static Lsn lsn(String text) {
        return text == null ? Lsn.ZERO : Lsn.parse(text);
    }
}
