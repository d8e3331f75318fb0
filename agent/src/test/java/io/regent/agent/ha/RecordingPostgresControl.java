package io.regent.agent.ha;

import io.regent.agent.postgres.PostgresControl;
import io.regent.agent.postgres.PostgresException;
import io.regent.agent.postgres.Upstream;
import io.regent.agent.postgres.TimelineSwitch;
import io.regent.common.model.Lsn;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A {@link PostgresControl} that records every verb into a {@link CallLog}; any verb can be made to
 * {@link #fail} or be {@link #hold held} until the test opens a gate. Queries ({@link #hasDataDirectory}, {@link #isRunning}, {@link #systemIdentifier}) are
 * answered, not recorded: only effects are, plus {@link #lastTimelineSwitch}, whose place after the promotion matters.
 * By default the last timeline switch is {@link #SWITCH}: timeline 1 ended at 0/3000060, as after a first promotion.
 */
final class RecordingPostgresControl implements PostgresControl {

    private final CallLog log;
    private final Set<String> failing = new HashSet<>();
    private final Map<String, CountDownLatch> gates = new HashMap<>();
    static final TimelineSwitch SWITCH = new TimelineSwitch(1, Lsn.parse("0/3000060"), "no recovery target specified");

    static final java.nio.file.Path ASIDE = java.nio.file.Path.of("/var/lib/regent/data.diverged-20261125T120000");
    static final Lsn SHUTDOWN_CHECKPOINT = Lsn.parse("0/5000028");

    private Optional<String> systemIdentifier = Optional.of(Views.SYSTEM_ID);
    private java.util.List<io.regent.agent.postgres.ReplicationSlot> slots = java.util.List.of();
    private Optional<TimelineSwitch> timelineSwitch = Optional.of(SWITCH);

    RecordingPostgresControl(CallLog log) {
        this.log = log;
    }

    RecordingPostgresControl fail(String verb) {
        failing.add(verb);
        return this;
    }

    /** Makes {@code verb} wait, before it takes effect, until {@code gate} opens: a slow operation. */
    RecordingPostgresControl hold(String verb, CountDownLatch gate) {
        gates.put(verb, gate);
        return this;
    }

    /** Makes a verb made to {@link #fail} succeed again. */
    RecordingPostgresControl heal(String verb) {
        failing.remove(verb);
        return this;
    }

    /** What {@link #lastTimelineSwitch} answers (empty: the server is still on timeline 1). */
    RecordingPostgresControl lastTimelineSwitchIs(Optional<TimelineSwitch> answer) {
        timelineSwitch = answer;
        return this;
    }

    RecordingPostgresControl withoutSystemIdentifier() {
        systemIdentifier = Optional.empty();
        return this;
    }

    private void record(String verb, String call) {
        CountDownLatch gate = gates.get(verb);
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PostgresException(verb + " interrupted (test)");
            }
        }
        log.add(call);
        if (failing.contains(verb)) {
            throw new PostgresException(verb + " failed (test)");
        }
    }

    @Override
    public boolean hasDataDirectory() {
        return true;
    }

    @Override
    public boolean isRunning() {
        return true;
    }

    @Override
    public void initdb() {
        record("initdb", "pg.initdb");
    }

    @Override
    public void discardNewDataDirectory() {
        record("discardNewDataDirectory", "pg.discardNewDataDirectory");
    }

    @Override
    public void basebackup(Upstream source) {
        record("basebackup", "pg.basebackup " + source);
    }

    @Override
    public void configure(boolean standby, Optional<Upstream> upstream) {
        record("configure", "pg.configure " + (standby ? "standby" : "primary") + " upstream="
                + upstream.map(Upstream::toString).orElse("none"));
    }

    @Override
    public void start() {
        record("start", "pg.start");
    }

    /** Logged as {@code pg.start timeout=<seconds>s}, to tell it from the default-bounded {@link #start()}. */
    @Override
    public void start(Duration timeout) {
        record("start", "pg.start timeout=" + timeout.toSeconds() + "s");
    }

    @Override
    public void stop() {
        record("stop", "pg.stop");
    }

    @Override
    public void rewind(Upstream source) {
        record("rewind", "pg.rewind " + source);
    }

    /** Logged as {@code pg.moveDataDirectoryAside}; answers {@link #ASIDE}. */
    @Override
    public java.nio.file.Path moveDataDirectoryAside(String why) {
        record("moveDataDirectoryAside", "pg.moveDataDirectoryAside");
        return ASIDE;
    }

    /** Answers what {@link #slotsAre} set (none by default); not logged, like the other queries. */
    @Override
    public java.util.List<io.regent.agent.postgres.ReplicationSlot> physicalSlots() {
        return slots;
    }

    RecordingPostgresControl slotsAre(io.regent.agent.postgres.ReplicationSlot... existing) {
        slots = java.util.List.of(existing);
        return this;
    }

    @Override
    public void createPhysicalSlot(String name, boolean reserve) {
        record("createPhysicalSlot", "pg.createPhysicalSlot " + name + (reserve ? " reserved" : " unreserved"));
    }

    @Override
    public void dropSlot(String name) {
        record("dropSlot", "pg.dropSlot " + name);
    }

    @Override
    public void checkpoint() {
        record("checkpoint", "pg.checkpoint");
    }

    /** Answers {@link #SHUTDOWN_CHECKPOINT}, as after a clean fast shutdown of a primary. */
    @Override
    public Optional<Lsn> cleanShutdownCheckpoint() {
        return Optional.of(SHUTDOWN_CHECKPOINT);
    }

    @Override
    public void reload() {
        record("reload", "pg.reload");
    }

    @Override
    public void follow(Upstream upstream) {
        record("follow", "pg.follow " + upstream);
    }

    @Override
    public void promote() {
        record("promote", "pg.promote");
    }

    @Override
    public Optional<TimelineSwitch> lastTimelineSwitch() {
        record("lastTimelineSwitch", "pg.lastTimelineSwitch");
        return timelineSwitch;
    }

    @Override
    public void createReplicationRole() {
        record("createReplicationRole", "pg.createReplicationRole");
    }

    @Override
    public Optional<String> systemIdentifier() {
        return systemIdentifier;
    }

    private String synchronousStandbyNames = "";
    private java.util.List<io.regent.agent.postgres.StandbyConnection> standbys = java.util.List.of();

    @Override
    public void setSynchronousStandbyNames(String names) {
        synchronousStandbyNames = names;
        record("setSynchronousStandbyNames", "pg.setSynchronousStandbyNames '" + names + "'");
    }

    /** Answers the last value set; not logged, like the other queries. */
    @Override
    public String synchronousStandbyNames() {
        return synchronousStandbyNames;
    }

    @Override
    public java.util.List<io.regent.agent.postgres.StandbyConnection> standbyConnections() {
        return standbys;
    }

    RecordingPostgresControl standbysAre(io.regent.agent.postgres.StandbyConnection... connected) {
        standbys = java.util.List.of(connected);
        return this;
    }
}
