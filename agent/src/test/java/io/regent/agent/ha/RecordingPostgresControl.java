package io.regent.agent.ha;

import io.regent.agent.postgres.PostgresControl;
import io.regent.agent.postgres.PostgresException;
import io.regent.agent.postgres.Upstream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A {@link PostgresControl} that records every verb into a {@link CallLog}; any verb can be made to
 * {@link #fail} or be {@link #hold held} until the test opens a gate. Queries ({@link #hasDataDirectory}, {@link #isRunning}, {@link #systemIdentifier}) are
 * answered, not recorded: only effects are.
 */
final class RecordingPostgresControl implements PostgresControl {

    private final CallLog log;
    private final Set<String> failing = new HashSet<>();
    private final Map<String, CountDownLatch> gates = new HashMap<>();
    private Optional<String> systemIdentifier = Optional.of(Views.SYSTEM_ID);

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

    @Override
    public void stop() {
        record("stop", "pg.stop");
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
    public void createReplicationRole() {
        record("createReplicationRole", "pg.createReplicationRole");
    }

    @Override
    public Optional<String> systemIdentifier() {
        return systemIdentifier;
    }
}
