package io.regent.agent.ha;

import io.regent.agent.postgres.Upstream;
import io.regent.common.model.Lsn;
import java.util.Optional;

/**
 * What the HA loop should do this cycle, with the reason in one sentence. Produced only by
 * {@link Decider}; carried out only by {@link DecisionExecutor}.
 */
public sealed interface Decision {

    /** One sentence an operator can read in the log: what and why. */
    String reason();

    /** The leader a standby should stream from. */
    record LeaderTarget(String name, Upstream upstream) {

        @Override
        public String toString() {
            return name + " (" + upstream + ")";
        }
    }

    /** Win the right to initialize, run initdb, start as primary and take the leader key. */
    record Bootstrap(String reason) implements Decision {
    }

    /** Clone the data directory from the leader with pg_basebackup and start as its standby. */
    record CloneFrom(LeaderTarget leader, String reason) implements Decision {
    }

    /**
     * Start the stopped PostgreSQL: as the primary when this member holds the leader key (crash
     * recovery in place, bounded by {@code primary_start_timeout}), else in recovery, streaming from
     * {@code upstream} when a leader is known.
     */
    record StartPostgres(boolean asPrimary, Optional<LeaderTarget> upstream, String reason) implements Decision {
    }

    /** Take (or re-attach) the leader key and, if still a standby, promote. */
    record AcquireAndPromote(boolean needsPromotion, String reason) implements Decision {
    }

    /** Hold the leader key: the lease is renewed each cycle; publish the leader's position. */
    record KeepLeading(String reason) implements Decision {
    }

    /**
     * etcd is unreachable, but with {@code failsafe_mode} every other member confirmed this leader over the
     * REST API this cycle: stay primary, touching neither etcd nor PostgreSQL.
     */
    record KeepLeadingInFailsafe(String reason) implements Decision {
    }

    /**
     * etcd is unreachable, but the lease this leader last renewed outlasts one more attempt and an immediate
     * stop after it: stay primary, touching neither etcd nor PostgreSQL, and try etcd again at once. An etcd
     * member electing a new raft leader stalls calls for a second or two; this is what keeps that from
     * demoting the leader.
     */
    record KeepLeadingOnLease(String reason) implements Decision {
    }

    /** Point the running standby at a new leader: rewrite primary_conninfo and reload, no restart. */
    record Follow(LeaderTarget leader, String reason) implements Decision {
    }

    /**
     * The standby is configured for the leader but its WAL receiver has not connected for too long
     * while the leader runs: restart PostgreSQL (bounded stop) as the leader's standby.
     */
    record RestartStandby(LeaderTarget leader, String reason) implements Decision {
    }

    /** Already streaming from (or configured for) the leader; nothing to change. */
    record KeepFollowing(LeaderTarget leader, String reason) implements Decision {
    }

    /**
     * This member's WAL went past the point where its timeline forked from the leader's: stop, rewind
     * to the fork with pg_rewind (or, if that fails, move the data directory aside and clone afresh),
     * and start as the leader's standby. {@code discardedFrom}..{@code discardedTo} is the WAL given up.
     */
    record Rewind(LeaderTarget leader, Lsn discardedFrom, Lsn discardedTo, int timeline, String reason) implements Decision {
    }

    /** Stop being writable: release the leader key if held, stop, start again as a standby. */
    record Demote(Optional<LeaderTarget> newUpstream, String reason) implements Decision {
    }

    /**
     * Hand the leader key over to {@code candidate} (a switchover): checkpoint, stop with a clean
     * shutdown, publish the shutdown checkpoint's position, release the key, start again as the
     * candidate's standby. {@code nameCandidate}: the request named no candidate, so write the one chosen
     * into it first, for the other members to wait for.
     */
    record StepDown(LeaderTarget candidate, boolean nameCandidate, String reason) implements Decision {
    }

    /** Delete the operator's switchover/failover request: it cannot be carried out (the reason says why). */
    record DropRequest(String reason) implements Decision {
    }

    /**
     * An operator asked for a restart: bounded stop, then start again as it was (the leader as the
     * primary, keeping its key; a standby as the leader's standby).
     */
    record RestartPostgres(boolean asPrimary, Optional<LeaderTarget> upstream, String reason) implements Decision {
    }

    /** An operator asked to re-clone this standby: move the data directory aside, clone from the leader, start. */
    record Reinitialize(LeaderTarget leader, String reason) implements Decision {
    }

    /** An operator asked for a reload: write postgresql.conf again and have PostgreSQL reload it. */
    record Reload(Optional<Upstream> upstream, boolean standby, String reason) implements Decision {
    }

    /** Do nothing this cycle. */
    record Wait(String reason) implements Decision {
    }
}
