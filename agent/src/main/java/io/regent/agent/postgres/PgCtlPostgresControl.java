package io.regent.agent.postgres;

import io.regent.common.config.Credentials;
import io.regent.common.config.NodeConfig;
import io.regent.common.config.PostgresConfig;
import io.regent.common.model.Lsn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link PostgresControl} through PostgreSQL's own tools (initdb, pg_ctl, pg_basebackup) and JDBC. */
public final class PgCtlPostgresControl implements PostgresControl {

    private static final Logger LOG = LoggerFactory.getLogger(PgCtlPostgresControl.class);

    private final NodeConfig node;
    private final PostgresConfig pg;
    private final Path dataDir;
    private final ConfWriter conf;
    private final PgConnections connections;
    private final ProcessRunner runner;
    private final ControlTimeouts timeouts;
    /** What the last written postgresql.conf said, so that changing one setting keeps the others. */
    private volatile Optional<Upstream> upstream = Optional.empty();
    private volatile String synchronousStandbyNames = "";

    public PgCtlPostgresControl(NodeConfig node, PgConnections connections, ProcessRunner runner, ControlTimeouts timeouts) {
        this.node = node;
        this.pg = node.postgresql();
        this.dataDir = pg.dataDir();
        this.conf = new ConfWriter(node);
        this.connections = connections;
        this.runner = runner;
        this.timeouts = timeouts;
    }

    @Override
    public boolean hasDataDirectory() {
        return Files.exists(dataDir.resolve("PG_VERSION"));
    }

    @Override
    public boolean isRunning() {
        return postmasterPid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
    }

    private Optional<Long> postmasterPid() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void initdb() {
        createParentDirectory();
        Path pwfile = writePrivateFile(dataDir.resolveSibling(dataDir.getFileName() + ".initdb-pw"),
                pg.authentication().superuser().password().reveal() + "\n");
        try {
            ProcessRunner.Result result = runner.run(List.of(tool("initdb"), "-D", dataDir.toString(), "--data-checksums",
                    "-U", pg.authentication().superuser().username(), "--pwfile=" + pwfile,
                    "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"),
                    timeouts.initdb(), Map.of());
            if (!result.succeeded()) {
                throw new PostgresException("initdb failed (exit " + result.exitCode() + "): " + result.output().strip());
            }
        } finally {
            deleteQuietly(pwfile);
        }
        move(dataDir.resolve("postgresql.conf"), dataDir.resolve(ConfWriter.BASE_CONF));
        configure(false, Optional.empty());
        LOG.info("initialized a new cluster in {}", dataDir);
    }

    @Override
    public void discardNewDataDirectory() {
        stop();
        deleteTree(dataDir);
    }

    @Override
    public void basebackup(Upstream source) {
        createParentDirectory();
        writePgpass();
        ProcessRunner.Result result = runner.run(List.of(tool("pg_basebackup"), "-D", dataDir.toString(),
                "-h", source.host(), "-p", String.valueOf(source.port()),
                "-U", pg.authentication().replication().username(), "--no-password",
                "-X", "stream", "-c", "fast", "--no-sync"),
                timeouts.basebackup(), Map.of("PGPASSFILE", pg.pgpass().toString()));
        if (!result.succeeded()) {
            deleteTree(dataDir);
            throw new PostgresException("pg_basebackup from " + source + " failed (exit " + result.exitCode() + "): "
                    + result.output().strip());
        }
        configure(true, Optional.of(source));
        LOG.info("cloned {} from {}", dataDir, source);
    }

    @Override
    public void configure(boolean standby, Optional<Upstream> upstream) {
        writePgpass();
        this.upstream = upstream;
        if (standby) {
            synchronousStandbyNames = "";
        }
        writeConf();
        writeFile(dataDir.resolve("pg_hba.conf"), conf.pgHba());
        Path signal = dataDir.resolve("standby.signal");
        if (standby) {
            writeFile(signal, "");
        } else {
            deleteQuietly(signal);
        }
    }

    @Override
    public void start() {
        start(timeouts.start());
    }

    @Override
    public void start(Duration timeout) {
        // a postmaster.pid left by a crash with no live process is removed by pg_ctl itself
        ProcessRunner.Result result = runner.run(List.of(tool("pg_ctl"), "start", "-D", dataDir.toString(), "-w",
                "-t", String.valueOf(Math.max(1, timeout.toSeconds())), "-l", logFile().toString()),
                timeout.plusSeconds(10), Map.of());
        if (!result.succeeded()) {
            throw new PostgresException("pg_ctl start failed (exit " + result.exitCode() + "): " + result.output().strip()
                    + "; see " + logFile());
        }
    }

    @Override
    public void stop() {
        if (!isRunning()) {
            return;
        }
        if (pgCtlStop("fast", timeouts.fastStop()) || pgCtlStop("immediate", timeouts.immediateStop())) {
            return;
        }
        Optional<ProcessHandle> postmaster = postmasterPid().flatMap(ProcessHandle::of);
        if (postmaster.isPresent()) {
            // its children too: a child that cannot run (stopped, stuck in the kernel) would otherwise
            // outlive the postmaster, keep the shared memory attached, and make the next start fail
            List<ProcessHandle> children = postmaster.get().descendants().toList();
            LOG.warn("PostgreSQL did not stop with fast or immediate shutdown; killing postmaster {} and its {} processes",
                    postmaster.get().pid(), children.size());
            postmaster.get().destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            postmaster.get().onExit().orTimeout(timeouts.killWait().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .exceptionally(e -> null).join();
            children.forEach(child -> child.onExit().orTimeout(timeouts.killWait().toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS).exceptionally(e -> null).join());
        }
        if (isRunning()) {
            throw new PostgresException("PostgreSQL is still running after SIGKILL of the postmaster");
        }
    }

    private boolean pgCtlStop(String mode, Duration timeout) {
        try {
            ProcessRunner.Result result = runner.run(List.of(tool("pg_ctl"), "stop", "-D", dataDir.toString(), "-m", mode,
                    "-w", "-t", String.valueOf(Math.max(1, timeout.toSeconds()))), timeout.plusSeconds(5), Map.of());
            if (result.succeeded() || !isRunning()) {
                return true;
            }
            LOG.warn("{} shutdown did not finish within {} s: {}", mode, timeout.toSeconds(), result.output().strip());
        } catch (ProcessRunner.CommandTimeoutException e) {
            LOG.warn("{} shutdown: {}", mode, e.getMessage());
        }
        return !isRunning();
    }

    @Override
    public void reload() {
        try {
            connections.withControl(connection -> {
                try (Statement statement = connection.createStatement()) {
                    return statement.execute("SELECT pg_reload_conf()");
                }
            });
        } catch (SQLException e) {
            throw new PostgresException("reload failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void follow(Upstream upstream) {
        this.upstream = Optional.of(upstream);
        writeConf();
        try {
            boolean reloaded = connections.withControl(connection -> {
                try (Statement statement = connection.createStatement()) {
                    if (!"sighup".equals(settingContext(statement, "primary_conninfo"))) {
                        return false;
                    }
                    statement.execute("SELECT pg_reload_conf()");
                    return true;
                }
            });
            if (!reloaded) {
                LOG.info("primary_conninfo cannot be reloaded on this server; restarting to follow {}", upstream);
                stop();
                start();
            }
        } catch (SQLException e) {
            throw new PostgresException("reload to follow " + upstream + " failed: " + e.getMessage(), e);
        }
    }

    private static String settingContext(Statement statement, String name) throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT context FROM pg_settings WHERE name = '" + name + "'")) {
            return rs.next() ? rs.getString(1) : "postmaster";
        }
    }

    private void writeConf() {
        writeFile(dataDir.resolve("postgresql.conf"), conf.postgresqlConf(upstream, synchronousStandbyNames));
    }

    @Override
    public void setSynchronousStandbyNames(String names) {
        synchronousStandbyNames = names;
        writeConf();
        if (isRunning()) {
            reload();
        }
        LOG.info("synchronous_standby_names is now '{}'", names);
    }

    @Override
    public String synchronousStandbyNames() {
        try {
            return connections.withControl(connection -> {
                try (Statement statement = connection.createStatement();
                     ResultSet rs = statement.executeQuery("SHOW synchronous_standby_names")) {
                    return rs.next() ? rs.getString(1) : "";
                }
            });
        } catch (SQLException e) {
            throw new PostgresException("reading synchronous_standby_names failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<StandbyConnection> standbyConnections() {
        try {
            return connections.withControl(connection -> {
                List<StandbyConnection> standbys = new ArrayList<>();
                try (Statement statement = connection.createStatement();
                     ResultSet rs = statement.executeQuery("SELECT application_name, state, flush_lsn::text FROM pg_stat_replication")) {
                    while (rs.next()) {
                        String flushed = rs.getString(3);
                        standbys.add(new StandbyConnection(rs.getString(1), rs.getString(2),
                                flushed == null ? Optional.empty() : Optional.of(Lsn.parse(flushed))));
                    }
                }
                return standbys;
            });
        } catch (SQLException e) {
            throw new PostgresException("reading pg_stat_replication failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void promote() {
        boolean promoted;
        try {
            promoted = connections.withControl(connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.setQueryTimeout((int) timeouts.promote().toSeconds() + 5);
                    try (ResultSet rs = statement.executeQuery("SELECT pg_promote(true, " + timeouts.promote().toSeconds() + ")")) {
                        return rs.next() && rs.getBoolean(1);
                    }
                }
            });
        } catch (SQLException e) {
            throw new PostgresException("promote failed: " + e.getMessage(), e);
        }
        if (!promoted) {
            throw new PostgresException("pg_promote did not complete within " + timeouts.promote().toSeconds() + " s");
        }
    }

    @Override
    public Optional<TimelineSwitch> lastTimelineSwitch() {
        String sql = "SELECT pg_read_file('pg_wal/' || lpad(upper(to_hex(tli)), 8, '0') || '.history') FROM "
                + "(SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int AS tli) t WHERE tli > 1";
        try {
            String history = connections.withControl(connection -> {
                try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
                    return rs.next() ? rs.getString(1) : null;
                }
            });
            return history == null ? Optional.empty() : TimelineSwitch.lastOf(history);
        } catch (SQLException e) {
            throw new PostgresException("reading the timeline history failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void createReplicationRole() {
        String user = pg.authentication().replication().username();
        String password = pg.authentication().replication().password().reveal();
        try (Connection connection = connections.open(); Statement statement = connection.createStatement()) {
            // the statement is not logged: log_statement is off by default and we do not enable it
            statement.execute("CREATE ROLE " + identifier(user) + " WITH REPLICATION LOGIN PASSWORD " + literal(password));
        } catch (SQLException e) {
            throw new PostgresException("creating replication role " + user + " failed: " + e.getSQLState(), e);
        }
    }

    @Override
    public Optional<String> systemIdentifier() {
        return controlData().flatMap(fields -> Optional.ofNullable(fields.get("Database system identifier")));
    }

    @Override
    public void rewind(Upstream source) {
        awaitCheckpointOnCurrentTimeline(source);
        Credentials superuser = pg.authentication().superuser();
        String conninfo = "host=" + ConfWriter.conninfoValue(source.host()) + " port=" + source.port()
                + " user=" + ConfWriter.conninfoValue(superuser.username()) + " dbname=postgres connect_timeout=5";
        writePgpass();
        ProcessRunner.Result result = runner.run(List.of(tool("pg_rewind"), "--target-pgdata=" + dataDir,
                "--source-server=" + conninfo), timeouts.rewind(), Map.of("PGPASSFILE", pg.pgpass().toString()));
        if (!result.succeeded()) {
            throw new PostgresException("pg_rewind from " + source + " failed (exit " + result.exitCode() + "): "
                    + lastLines(result.output(), 5));
        }
        LOG.info("rewound {} to the history of {}", dataDir, source);
    }

    /**
     * pg_rewind reads the source's timeline from its control file, which a promotion updates only at the
     * first checkpoint after it: rewinding earlier would find nothing to do.
     */
    private void awaitCheckpointOnCurrentTimeline(Upstream source) {
        String sql = "SELECT (SELECT timeline_id FROM pg_control_checkpoint()) = "
                + "('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int";
        long deadline = System.nanoTime() + timeouts.start().toNanos();
        while (true) {
            try (Connection connection = connections.openTo(source); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery(sql)) {
                if (rs.next() && rs.getBoolean(1)) {
                    return;
                }
            } catch (SQLException e) {
                LOG.debug("checking the checkpoint of {}: {}", source, e.getMessage());
            }
            if (System.nanoTime() > deadline) {
                throw new PostgresException(source + " has not checkpointed on its new timeline within "
                        + timeouts.start().toSeconds() + " s; cannot rewind against it yet");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PostgresException("interrupted while waiting for " + source + " to checkpoint");
            }
        }
    }

    private static String lastLines(String output, int count) {
        List<String> lines = output.strip().lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    @Override
    public Path moveDataDirectoryAside(String why) {
        String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                .format(java.time.LocalDateTime.now(java.time.ZoneOffset.UTC));
        Path aside = dataDir.resolveSibling(dataDir.getFileName() + "." + why + "-" + stamp);
        move(dataDir, aside);
        return aside;
    }

    @Override
    public List<ReplicationSlot> physicalSlots() {
        try {
            return connections.withControl(connection -> {
                List<ReplicationSlot> slots = new ArrayList<>();
                try (Statement statement = connection.createStatement();
                     ResultSet rs = statement.executeQuery("SELECT slot_name, active, restart_lsn::text FROM pg_replication_slots"
                             + " WHERE slot_type = 'physical' AND NOT temporary")) {
                    while (rs.next()) {
                        String restart = rs.getString(3);
                        slots.add(new ReplicationSlot(rs.getString(1), rs.getBoolean(2),
                                restart == null ? Optional.empty() : Optional.of(Lsn.parse(restart))));
                    }
                }
                return slots;
            });
        } catch (SQLException e) {
            throw new PostgresException("reading the replication slots failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void createPhysicalSlot(String name, boolean reserve) {
        try {
            connections.withControl(connection -> {
                try (java.sql.PreparedStatement statement = connection.prepareStatement(
                        "SELECT pg_create_physical_replication_slot(?, ?) WHERE NOT EXISTS"
                                + " (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)")) {
                    statement.setString(1, name);
                    statement.setBoolean(2, reserve);
                    statement.setString(3, name);
                    return statement.execute();
                }
            });
            LOG.info("created replication slot {}", name);
        } catch (SQLException e) {
            throw new PostgresException("creating replication slot " + name + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void dropSlot(String name) {
        try {
            connections.withControl(connection -> {
                try (java.sql.PreparedStatement statement = connection.prepareStatement(
                        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
                    statement.setString(1, name);
                    return statement.execute();
                }
            });
            LOG.info("dropped replication slot {}", name);
        } catch (SQLException e) {
            throw new PostgresException("dropping replication slot " + name + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkpoint() {
        try {
            connections.withControl(connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.setQueryTimeout((int) timeouts.fastStop().toSeconds());
                    return statement.execute("CHECKPOINT");
                }
            });
        } catch (SQLException e) {
            throw new PostgresException("checkpoint failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Lsn> cleanShutdownCheckpoint() {
        return controlData()
                .filter(fields -> "shut down".equals(fields.get("Database cluster state")))
                .flatMap(fields -> Optional.ofNullable(fields.get("Latest checkpoint location")))
                .map(Lsn::parse);
    }

    /** {@code pg_controldata}'s "field: value" lines, when a data directory exists. */
    private Optional<Map<String, String>> controlData() {
        if (!hasDataDirectory()) {
            return Optional.empty();
        }
        ProcessRunner.Result result = runner.run(List.of(tool("pg_controldata"), dataDir.toString()), Duration.ofSeconds(10),
                Map.of("LC_ALL", "C"));
        Map<String, String> fields = new java.util.HashMap<>();
        result.output().lines().filter(line -> line.indexOf(':') > 0).forEach(line ->
                fields.putIfAbsent(line.substring(0, line.indexOf(':')).trim(), line.substring(line.indexOf(':') + 1).trim()));
        return Optional.of(fields);
    }

    private Path logFile() {
        return dataDir.resolveSibling(dataDir.getFileName() + ".log");
    }

    private String tool(String name) {
        return pg.binDir().resolve(name).toString();
    }

    private void writePgpass() {
        writePrivateFile(pg.pgpass(), conf.pgpass());
    }

    private void createParentDirectory() {
        try {
            Files.createDirectories(dataDir.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dataDir.getParent(), e);
        }
    }

    /** Writes {@code content} readable by the agent's user only (passwords). */
    private static Path writePrivateFile(Path file, String content) {
        writeAtomically(file, content, true);
        return file;
    }

    private static void writeFile(Path file, String content) {
        writeAtomically(file, content, false);
    }

    /** Writes a sibling temporary file and renames it over {@code file}: readers never see half a file. */
    private static void writeAtomically(Path file, String content, boolean ownerOnly) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            if (ownerOnly) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(tmp, content);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + from + " to " + to, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.getMessage());
        }
    }

    /** Removes a directory this agent created itself and that holds nothing anyone could need. */
    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", root, e.getMessage());
        }
        paths.forEach(PgCtlPostgresControl::deleteQuietly);
    }

    static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    @Override
    public String toString() {
        return "PostgreSQL " + node.name() + " in " + dataDir;
    }
}
