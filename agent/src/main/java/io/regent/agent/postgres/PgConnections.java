package io.regent.agent.postgres;

import io.regent.common.config.NodeConfig;
import io.regent.common.config.PostgresConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/** Opens short-lived superuser connections to the local PostgreSQL over TCP. */
public final class PgConnections {

    private final String url;
    private final Properties properties = new Properties();

    public PgConnections(NodeConfig node, Duration socketTimeout) {
        PostgresConfig pg = node.postgresql();
        String host = pg.listen().host();
        if (host.equals("*") || host.equals("0.0.0.0") || host.equals("::") || host.contains(",")) {
            host = "127.0.0.1";
        }
        this.url = "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + pg.listen().port() + "/postgres";
        properties.setProperty("user", pg.authentication().superuser().username());
        properties.setProperty("password", pg.authentication().superuser().password().reveal());
        properties.setProperty("connectTimeout", "2");
        properties.setProperty("socketTimeout", String.valueOf(Math.max(1, socketTimeout.toSeconds())));
        properties.setProperty("ApplicationName", "regent");
        properties.setProperty("assumeMinServerVersion", "13");
    }

    public Connection open() throws SQLException {
        return DriverManager.getConnection(url, properties);
    }

    /** Work on the control connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T apply(Connection connection) throws SQLException;
    }

    private Connection control;

    /**
     * Runs {@code work} on one connection kept open for the agent's control statements (promote, reload,
     * slots, checkpoint): a new connection costs a SCRAM handshake, hundreds of milliseconds on a busy
     * machine, in the middle of a failover. A connection found broken (PostgreSQL restarted since) is
     * replaced and the work tried once more.
     */
    public synchronized <T> T withControl(SqlWork<T> work) throws SQLException {
        boolean fresh = control == null;
        try {
            if (control == null) {
                control = open();
            }
            return work.apply(control);
        } catch (SQLException e) {
            if (!isConnectionFailure(e)) {
                throw e;
            }
            closeControl();
            if (fresh) {
                throw e;
            }
            control = open();
            return work.apply(control);
        }
    }

    private static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        // 08: connection exception; 57P01..03: the server shut down or is restarting
        return state == null || state.startsWith("08") || state.startsWith("57P");
    }

    public synchronized void closeControl() {
        if (control != null) {
            try {
                control.close();
            } catch (SQLException ignored) {
                // it was broken anyway
            }
            control = null;
        }
    }

    /** A superuser connection to another member's PostgreSQL (the leader a rewind reads from). */
    public Connection openTo(Upstream upstream) throws SQLException {
        String host = upstream.host().contains(":") ? "[" + upstream.host() + "]" : upstream.host();
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + upstream.port() + "/postgres", properties);
    }

    /** A physical replication connection, for replication commands such as {@code IDENTIFY_SYSTEM}. */
    public Connection openReplication() throws SQLException {
        Properties replication = new Properties();
        replication.putAll(properties);
        replication.setProperty("replication", "database");
        replication.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection(url, replication);
    }
}
