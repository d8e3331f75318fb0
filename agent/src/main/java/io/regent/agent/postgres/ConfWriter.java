package io.regent.agent.postgres;

import io.regent.common.config.Credentials;
import io.regent.common.config.NodeConfig;
import io.regent.common.config.PostgresConfig;
import io.regent.common.config.SlotNames;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the files through which the agent owns its PostgreSQL's configuration: {@code postgresql.conf}
 * (the agent's settings over the operator's parameters, over initdb's defaults kept in
 * {@code postgresql.base.conf}), {@code pg_hba.conf} and the password file. Pure text: no I/O.
 */
public final class ConfWriter {

    public static final String BASE_CONF = "postgresql.base.conf";

    private final NodeConfig node;

    public ConfWriter(NodeConfig node) {
        this.node = node;
    }

    /**
     * @param upstream the primary to stream from when running as a standby; empty for a primary, or
     *                 for a standby that only replays its own WAL until a leader is known
     */
    public String postgresqlConf(Optional<Upstream> upstream) {
        return postgresqlConf(upstream, "");
    }

    /**
     * @param synchronousStandbyNames what the leader's synchronous replication needs (empty: asynchronous);
     *                                it overrides an operator's value, which would fight the agent's
     */
    public String postgresqlConf(Optional<Upstream> upstream, String synchronousStandbyNames) {
        PostgresConfig pg = node.postgresql();
        Map<String, String> settings = new LinkedHashMap<>();
        pg.parameters().forEach((name, value) -> settings.put(name, String.valueOf(value)));
        // the agent's own settings come last and win: they are what makes replication and control work
        settings.put("listen_addresses", pg.listen().host());
        settings.put("port", String.valueOf(pg.listen().port()));
        // beside the data directory, not in it: pg_rewind copies every file of the source's data directory
        // and fails on a socket
        settings.put("unix_socket_directories", pg.dataDir().toAbsolutePath().getParent().toString());
        settings.put("unix_socket_permissions", "0700");
        settings.put("wal_level", "replica");
        settings.put("hot_standby", "on");
        settings.put("wal_log_hints", "on");
        settings.putIfAbsent("max_wal_senders", "10");
        settings.putIfAbsent("max_replication_slots", "10");
        settings.putIfAbsent("wal_keep_size", "128MB");
        settings.putIfAbsent("hot_standby_feedback", "on");
        // after its upstream dies the WAL receiver retries only this often (5 s by default): a
        // standby told to follow a new primary would sit out the rest of that wait before streaming
        settings.putIfAbsent("wal_retrieve_retry_interval", "500ms");
        // crash recovery of a restarted leader: one syncfs() of the file system instead of an fsync of
        // every file in the data directory (about a second saved on a small cluster; PG 14+, Linux)
        settings.putIfAbsent("recovery_init_sync_method", "syncfs");
        settings.put("recovery_target_timeline", "latest");
        settings.put("synchronous_standby_names", synchronousStandbyNames);
        settings.put("cluster_name", node.scope() + "/" + node.name());
        settings.put("primary_conninfo", upstream.map(this::primaryConninfo).orElse(""));
        // the leader keeps this slot for us, so it never recycles WAL we have not received
        settings.put("primary_slot_name", upstream.isPresent() ? SlotNames.forMember(node.name()) : "");
        StringBuilder conf = new StringBuilder()
                .append("# Written by Regent; rewritten on every start and follow. Change settings in the node's\n")
                .append("# YAML (postgresql.parameters), not here. initdb's defaults live in ").append(BASE_CONF).append(".\n")
                .append("include_if_exists = '").append(BASE_CONF).append("'\n");
        settings.forEach((name, value) -> conf.append(name).append(" = ").append(quote(value)).append('\n'));
        return conf.toString();
    }

    /** libpq connection string for streaming; the password is read from the pgpass file, never written here. */
    public String primaryConninfo(Upstream upstream) {
        Credentials replication = node.postgresql().authentication().replication();
        return "host=" + conninfoValue(upstream.host()) + " port=" + upstream.port()
                + " user=" + conninfoValue(replication.username())
                + " passfile=" + conninfoValue(node.postgresql().pgpass().toString())
                + " application_name=" + conninfoValue(node.name())
                + " connect_timeout=2 keepalives_idle=5 keepalives_interval=2 keepalives_count=3";
    }

    public String pgHba() {
        return """
                # Written by Regent.
                # The unix socket has mode 0700: only the agent's user reaches it.
                local   all           all                     trust
                local   replication   all                     trust
                host    all           all         0.0.0.0/0   scram-sha-256
                host    all           all         ::0/0       scram-sha-256
                host    replication   all         0.0.0.0/0   scram-sha-256
                host    replication   all         ::0/0       scram-sha-256
                """;
    }

    public String pgpass() {
        Credentials superuser = node.postgresql().authentication().superuser();
        Credentials replication = node.postgresql().authentication().replication();
        return "*:*:*:" + escape(superuser.username()) + ":" + escape(superuser.password().reveal()) + "\n"
                + "*:*:*:" + escape(replication.username()) + ":" + escape(replication.password().reveal()) + "\n";
    }

    /** A libpq keyword value, quoted when it holds anything but plain characters. */
    static String conninfoValue(String value) {
        if (!value.isEmpty() && value.chars().noneMatch(c -> c == ' ' || c == '\'' || c == '\\' || c == '=')) {
            return value;
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String escape(String pgpassField) {
        return pgpassField.replace("\\", "\\\\").replace(":", "\\:");
    }

    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
