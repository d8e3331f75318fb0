package io.regent.agent.ha;

import io.regent.agent.postgres.PgProbe;
import io.regent.common.model.PgState;
import io.regent.common.model.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the agent knows about itself at the start of a cycle: its PostgreSQL, its work in progress,
 * its contact with etcd and how long the cluster has been without a leader. Immutable.
 *
 * @param systemIdentifier the data directory's system identifier (from the probe, or pg_controldata
 *                         when PostgreSQL is stopped)
 * @param running          a postmaster is alive for the data directory
 * @param pg               the probe result, when PostgreSQL accepted a connection
 * @param job              a long operation in progress (or a back-off after one failed)
 * @param storeReachable   the lease keepalive and the snapshot read both succeeded this cycle
 * @param leaseRemaining   how long the member lease is certainly still valid (zero if unknown); less when an
 *                         armed watchdog device would reset the host before it ends
 * @param leaderless       since when the agent has seen no leader; empty while a leader exists
 * @param receiverDownFor  how long a standby with an upstream configured has not been streaming (zero
 *                         while it streams, and for a primary)
 * @param now              the wall-clock time of the cycle, for requests scheduled at a given time
 * @param request          what an operator asked of this node through the REST API, taken this cycle
 * @param fenceRefusal     why this member must not lead now: a required watchdog that cannot be used
 * @param failsafe         what the loop gathered for failsafe_mode: the other members' answers (a leader
 *                         without etcd), the last call of a leader (a standby)
 */
public record LocalState(
        String name,
        Tags tags,
        boolean hasData,
        Optional<String> systemIdentifier,
        boolean running,
        Optional<PgProbe> pg,
        Optional<RunningJob> job,
        boolean storeReachable,
        Duration leaseRemaining,
        Optional<Leaderless> leaderless,
        Duration receiverDownFor,
        Instant now,
        Optional<LocalRequests.Kind> request,
        Optional<String> fenceRefusal,
        FailsafeInput failsafe) {

    /** A state with nothing against leading and no failsafe input. */
    public LocalState(String name, Tags tags, boolean hasData, Optional<String> systemIdentifier, boolean running,
                      Optional<PgProbe> pg, Optional<RunningJob> job, boolean storeReachable, Duration leaseRemaining,
                      Optional<Leaderless> leaderless, Duration receiverDownFor, Instant now,
                      Optional<LocalRequests.Kind> request) {
        this(name, tags, hasData, systemIdentifier, running, pg, job, storeReachable, leaseRemaining, leaderless,
                receiverDownFor, now, request, Optional.empty(), FailsafeInput.NONE);
    }

    /**
     * A long operation running off the loop thread, and the PostgreSQL state it implies meanwhile; or,
     * when {@code failed}, the back-off after such an operation failed.
     */
    public record RunningJob(String description, Duration elapsed, PgState impliedState, boolean failed) {
    }

    /**
     * The agent first saw no leader at {@code sinceRevision}, {@code elapsed} ago. {@code sinceStartup}
     * is true when it has not seen any leader since the agent started (a whole-cluster start).
     * {@code formerLeaderLocation} is the {@code location} tag of the last leader it saw.
     */
    public record Leaderless(long sinceRevision, Duration elapsed, boolean sinceStartup,
                             Optional<String> formerLeaderLocation) {
    }

    /** The same state, with etcd found unreachable later in the cycle (no second probe of PostgreSQL). */
    public LocalState withStoreUnreachable() {
        return new LocalState(name, tags, hasData, systemIdentifier, running, pg, job, false, leaseRemaining, leaderless,
                receiverDownFor, now, request, fenceRefusal, failsafe);
    }

    /** The same state with the lease's remaining time read again: the cycle's calls since have used some of it. */
    public LocalState withLeaseRemaining(Duration remaining) {
        return new LocalState(name, tags, hasData, systemIdentifier, running, pg, job, storeReachable, remaining, leaderless,
                receiverDownFor, now, request, fenceRefusal, failsafe);
    }

    /** The same state with the failsafe input gathered this cycle. */
    public LocalState withFailsafe(FailsafeInput failsafe) {
        return new LocalState(name, tags, hasData, systemIdentifier, running, pg, job, storeReachable, leaseRemaining, leaderless,
                receiverDownFor, now, request, fenceRefusal, failsafe);
    }

    public boolean isPrimary() {
        return pg.map(p -> !p.inRecovery()).orElse(false);
    }
}
