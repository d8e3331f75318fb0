package io.regent.agent.ha;

import io.regent.agent.postgres.PgProbe;
import io.regent.agent.postgres.Upstream;
import io.regent.common.model.Lsn;
import io.regent.common.model.PgState;
import io.regent.common.model.Tags;
import java.time.Duration;
import java.util.Optional;

/**
 * What an agent knows about itself, built the way a scenario reads:
 * {@code Locals.runningStandby("node2").streamingFrom(upstreamOf("node1"))}.
 *
 * <p>Defaults: etcd reachable with 20 s of lease left, no job, no leaderless tracking, priority 100,
 * PostgreSQL (when running) on timeline 1 at {@link Views#DEFAULT_LSN} with the cluster's system identifier
 * and no upstream configured.
 */
final class Locals {

    /** The wall-clock time of every cycle unless a scenario says otherwise. */
    static final java.time.Instant NOW = java.time.Instant.parse("2026-11-25T12:00:00Z");

    private Locals() {
    }

    /** An empty data directory: a new or wiped member. */
    static LocalBuilder noData(String name) {
        return new LocalBuilder(name, false, false, false);
    }

    /** A data directory but no postmaster. */
    static LocalBuilder stopped(String name) {
        return new LocalBuilder(name, true, false, false);
    }

    /** A postmaster that does not accept connections yet (crash recovery, a slow start). */
    static LocalBuilder notAcceptingConnections(String name) {
        return new LocalBuilder(name, true, true, false);
    }

    static LocalBuilder runningStandby(String name) {
        return new LocalBuilder(name, true, true, true).inRecovery(true);
    }

    static LocalBuilder runningPrimary(String name) {
        return new LocalBuilder(name, true, true, true).inRecovery(false);
    }

    static final class LocalBuilder {

        private final String name;
        private final boolean hasData;
        private final boolean running;
        private final boolean probed;
        private boolean inRecovery = true;
        private int timeline = 1;
        private Lsn position = Lsn.parse(Views.DEFAULT_LSN);
        private Optional<Upstream> configuredUpstream = Optional.empty();
        private Optional<PgProbe.WalReceiver> receiver = Optional.empty();
        private String systemIdentifier = Views.SYSTEM_ID;
        private int priority = Tags.DEFAULT_PRIORITY;
        private String location;
        private boolean nofailover;
        private Optional<LocalState.RunningJob> job = Optional.empty();
        private boolean storeReachable = true;
        private Duration leaseRemaining = Duration.ofSeconds(20);
        private Duration receiverDownFor = Duration.ZERO;
        private java.time.Instant now = NOW;
        private java.util.Optional<LocalRequests.Kind> request = java.util.Optional.empty();
        private Optional<LocalState.Leaderless> leaderless = Optional.empty();
        private Optional<String> formerLeaderLocation = Optional.empty();
        private Optional<String> fenceRefusal = Optional.empty();

        private LocalBuilder(String name, boolean hasData, boolean running, boolean probed) {
            this.name = name;
            this.hasData = hasData;
            this.running = running;
            this.probed = probed;
        }

        private LocalBuilder inRecovery(boolean recovering) {
            inRecovery = recovering;
            return this;
        }

        LocalBuilder lsn(String lsn) {
            position = Lsn.parse(lsn);
            return this;
        }

        LocalBuilder timeline(int newTimeline) {
            timeline = newTimeline;
            return this;
        }

        /** primary_conninfo points at {@code upstream} and the WAL receiver streams from it. */
        LocalBuilder streamingFrom(Upstream upstream) {
            configuredUpstream = Optional.of(upstream);
            receiver = Optional.of(new PgProbe.WalReceiver("streaming", upstream, timeline));
            return this;
        }

        /** primary_conninfo points at {@code upstream}, but no WAL receiver streams (yet). */
        LocalBuilder configuredFor(Upstream upstream) {
            configuredUpstream = Optional.of(upstream);
            receiver = Optional.empty();
            return this;
        }

        LocalBuilder systemIdentifier(String sysid) {
            systemIdentifier = sysid;
            return this;
        }

        LocalBuilder priority(int newPriority) {
            priority = newPriority;
            return this;
        }

        /** This member's {@code location} tag (default: {@link Tags#DEFAULT_LOCATION}). */
        LocalBuilder location(String newLocation) {
            location = newLocation;
            return this;
        }

        LocalBuilder nofailover() {
            nofailover = true;
            return this;
        }

        /** A job in progress, as {@link JobRunner#current()} reports it. */
        LocalBuilder job(String description, PgState impliedState) {
            job = Optional.of(new LocalState.RunningJob(description, Duration.ofSeconds(42), impliedState, false));
            return this;
        }

        /** The back-off after a failed job, as {@link JobRunner#current()} reports it. */
        LocalBuilder backingOff(String description, PgState impliedState) {
            job = Optional.of(new LocalState.RunningJob(description, Duration.ofSeconds(3), impliedState, true));
            return this;
        }

        /** The WAL receiver has not streamed for {@code down} although an upstream is configured. */
        LocalBuilder receiverDownFor(Duration down) {
            receiverDownFor = down;
            return this;
        }

        /** An operator asked this node for {@code kind} through the REST API. */
        LocalBuilder asked(LocalRequests.Kind kind) {
            request = java.util.Optional.of(kind);
            return this;
        }

        /** The wall-clock time of the cycle (default {@link Locals#NOW}). */
        LocalBuilder at(java.time.Instant time) {
            now = time;
            return this;
        }

        LocalBuilder storeUnreachable(Duration remaining) {
            storeReachable = false;
            leaseRemaining = remaining;
            return this;
        }

        /** No leader seen since {@code sinceRevision}, {@code elapsed} ago; {@code sinceStartup}: none since the agent started. */
        LocalBuilder leaderless(long sinceRevision, Duration elapsed, boolean sinceStartup) {
            leaderless = Optional.of(new LocalState.Leaderless(sinceRevision, elapsed, sinceStartup, Optional.empty()));
            return this;
        }

        /** The leader was lost at {@link Views#LEADER_LOST_AT}, {@code elapsed} ago, while this agent was running. */
        LocalBuilder leaderlessFor(Duration elapsed) {
            return leaderless(Views.LEADER_LOST_AT, elapsed, false);
        }

        /** The agent has seen no leader since it started, {@code elapsed} ago. */
        LocalBuilder leaderlessSinceStartup(Duration elapsed) {
            return leaderless(Views.LEADER_LOST_AT, elapsed, true);
        }

        /** The last leader this agent saw had the {@code location} tag {@code formerLocation} (applies to {@link #leaderless}). */
        LocalBuilder formerLeaderIn(String formerLocation) {
            formerLeaderLocation = Optional.of(formerLocation);
            return this;
        }

        /** A required watchdog that cannot be used, for this reason. */
        LocalBuilder fenceRefuses(String reason) {
            fenceRefusal = Optional.of(reason);
            return this;
        }

        LocalState build() {
            Optional<PgProbe> pg = probed
                    ? Optional.of(new PgProbe(inRecovery, timeline, position, position, configuredUpstream,
                            inRecovery ? receiver : Optional.empty(), systemIdentifier, "15.8"))
                    : Optional.empty();
            Optional<LocalState.Leaderless> tracked = leaderless.map(l -> new LocalState.Leaderless(l.sinceRevision(),
                    l.elapsed(), l.sinceStartup(), formerLeaderLocation));
            return new LocalState(name, new Tags(priority, location, nofailover, false), hasData,
                    Optional.ofNullable(hasData ? systemIdentifier : null), running, pg, job, storeReachable,
                    leaseRemaining, tracked, receiverDownFor, now, request, fenceRefusal, FailsafeInput.NONE);
        }
    }
}
