package io.regent.agent.postgres;

import io.regent.common.model.Lsn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The verbs the HA loop uses on its local PostgreSQL. Implementations run every command with a bound
 * and make no decisions: which verb to use when is the decider's business.
 */
public interface PostgresControl {

    /** True if the data directory holds a cluster ({@code PG_VERSION} exists). */
    boolean hasDataDirectory();

    /** True if a postmaster for the data directory is alive. */
    boolean isRunning();

    /** Creates a new cluster (with data checksums) and writes the node's configuration for a primary. */
    void initdb();

    /**
     * Removes a data directory this agent has just created (a failed bootstrap). Never used on a data
     * directory that may hold anybody's writes.
     */
    void discardNewDataDirectory();

    /** Clones the data directory from a running primary and configures it as that primary's standby. */
    void basebackup(Upstream source);

    /**
     * Writes the node's configuration (after initdb, basebackup, or before a start) and the
     * {@code standby.signal} marker when {@code standby}.
     */
    void configure(boolean standby, Optional<Upstream> upstream);

    /** Starts the postmaster and waits (bounded) until it accepts connections. */
    void start();

    /** Starts the postmaster and waits at most {@code timeout} until it accepts connections. */
    void start(Duration timeout);

    /** Stops with escalation: fast, then immediate, then SIGKILL of the postmaster, each bounded. */
    void stop();

    /**
     * Rewinds the stopped data directory to the point where its timeline forked from {@code source}'s
     * ({@code pg_rewind --source-server}), after the source's first checkpoint on its new timeline.
     * The caller re-applies the node's own settings afterwards: pg_rewind copies the source's.
     *
     * @throws PostgresException if pg_rewind fails or the source never checkpoints
     */
    void rewind(Upstream source);

    /**
     * Renames the data directory aside ({@code <data_dir>.<why>-<time>}, e.g. {@code diverged}, {@code reinit}) so that a fresh clone can take
     * its place; nothing is deleted.
     *
     * @return where the old data directory now is
     */
    Path moveDataDirectoryAside(String why);

    /** The physical replication slots on this server. */
    List<ReplicationSlot> physicalSlots();

    /**
     * Creates a physical slot unless it exists. {@code reserve}: hold WAL from now on (on a primary, for
     * a member that will stream through it); without, the slot holds nothing until first used.
     */
    void createPhysicalSlot(String name, boolean reserve);

    /** Drops a slot that is not in use; one in use or already gone is left as it is. */
    void dropSlot(String name);

    /** Writes a checkpoint now, so that a following fast shutdown has little left to write. */
    void checkpoint();

    /**
     * Where the shutdown checkpoint of a cleanly stopped primary lies ({@code pg_controldata}): a standby
     * that received WAL past it has everything the primary ever wrote. Empty when the data directory was
     * not shut down cleanly as a primary (crash, immediate stop, a standby).
     */
    Optional<Lsn> cleanShutdownCheckpoint();

    /** Has the running PostgreSQL read its configuration files again ({@code pg_reload_conf()}). */
    void reload();

    /** Points a running standby at a new upstream without restarting it (rewrite + reload). */
    void follow(Upstream upstream);

    /** Promotes a running standby and waits until it accepts writes. */
    void promote();

    /**
     * The timeline switch that created the current timeline, read from its history file on a
     * running primary: the timeline that ended, where, and why. Empty on timeline 1.
     */
    Optional<TimelineSwitch> lastTimelineSwitch();

    /** Creates the replication role on a freshly initialized primary. */
    void createReplicationRole();

    /** The system identifier from {@code pg_controldata}, when a data directory exists. */
    Optional<String> systemIdentifier();

    /**
     * Sets {@code synchronous_standby_names} in postgresql.conf (kept until this member becomes a standby)
     * and reloads a running server.
     */
    void setSynchronousStandbyNames(String names);

    /** What the running server enforces now ({@code SHOW synchronous_standby_names}). */
    String synchronousStandbyNames();

    /** The primary's {@code pg_stat_replication}: who streams, and how far each has flushed. */
    List<StandbyConnection> standbyConnections();
}
