package io.regent.tests.bench;

/**
 * Every figure the benchmark can report, with how it is shown. A scenario fills the figures that
 * make sense for it ({@link RunFigures}); a figure a run could not measure is absent from that run,
 * and the reason is in the run's notes.
 */
public enum Figure {
    LEADER_KEY_GONE("fault → leader key gone from etcd (lease expired)", Unit.MILLIS),
    PROMOTED("fault → a standby's PostgreSQL is out of recovery (promoted)", Unit.MILLIS),
    NEW_PRIMARY("fault → new primary answers /primary", Unit.MILLIS),
    FIRST_WRITE("fault → first acknowledged write on the (new) primary", Unit.MILLIS),
    LONGEST_GAP("longest gap between acknowledged writes", Unit.MILLIS),
    ALL_STREAMING("fault → every surviving standby streams from the primary on its timeline", Unit.MILLIS),
    FOLLOW_AFTER_PROMOTION("promotion → every standby streaming from the new primary", Unit.MILLIS),
    PROMOTED_SYNC_STANDBY("promoted the member the sync key named (1 yes, 0 no)", Unit.COUNT),
    ACKED_WITH_NO_STANDBY("writes acknowledged while no standby ran (strict; 0.5 s after the kill on)", Unit.COUNT),
    WRITES_RESUMED("standby restarted → writes acknowledged again (strict)", Unit.MILLIS),
    PROMOTED_WITHOUT_QUORUM("promotions while too few quorum members could be heard from (1 yes, 0 no)", Unit.COUNT),
    QUORUM_BACK_TO_PRIMARY("missing quorum member restarted → new primary answers /primary", Unit.MILLIS),
    QUORUM_HEARD("missing quorum member restarted → its member key shows it running (heard from)", Unit.MILLIS),
    HEARD_TO_PRIMARY("missing quorum member heard from → new primary answers /primary", Unit.MILLIS),
    QUORUM_BACK_TO_FIRST_WRITE("missing quorum member restarted → first acknowledged write on the new primary",
            Unit.MILLIS),
    STANDBYS_NOT_FOLLOWING("standbys not streaming from the new primary within 30 s", Unit.COUNT),
    STANDBYS_RESTARTED("standby postmasters restarted", Unit.COUNT),
    OLD_PRIMARY_RESTARTS("old primary's postmaster restarts (switchover: once by design, as a standby)", Unit.COUNT),
    ACKED_WRITES_LOST("acknowledged writes lost", Unit.COUNT),
    STALE_WRITES("writes acknowledged by a stale primary after the new one was up (writer via /primary)", Unit.COUNT),
    STALE_WRITES_DIRECT("writes accepted by the stale primary after the new one was up (client connected to it)", Unit.COUNT),
    SPLIT_BRAIN("two PostgreSQL writable at once (split-brain checker, first → last violating round)", Unit.MILLIS),
    CUT_TO_STOPPED("cut → isolated primary's PostgreSQL last seen writable (split-brain checker round)", Unit.MILLIS),
    STOPPED_BEFORE_PROMOTION("isolated primary's last writable round → new primary's first (margin; negative: overlap)",
            Unit.MILLIS),
    LEADER_CHANGES("leader changes while a standby was cut off", Unit.COUNT),
    HEAL_CONVERGED("heal → one primary, every other node streaming from it on its timeline", Unit.MILLIS),
    FENCED("fault → hung primary no longer writable (stopped by its fence)", Unit.MILLIS),
    FENCED_BEFORE_PROMOTION("hung primary last seen writable → new primary first seen writable (positive: no overlap)",
            Unit.MILLIS),
    FENCE_RSS("fence process RSS (leader's, armed)", Unit.MEGABYTES),
    STALE_DEMOTED_AFTER_RESUME("agent resumed (SIGCONT) → old primary no longer writable", Unit.MILLIS),
    REJOINED("old primary streaming again after restart (1 yes, 0 no)", Unit.COUNT),
    REJOIN_API("old primary's agent restarted → its REST API answers", Unit.MILLIS),
    REJOIN("old primary's agent restarted → streaming from the new primary", Unit.MILLIS),
    REINIT_API("reinit requested (POST /reinitialize) → the agent answers (clone done, PostgreSQL started)", Unit.MILLIS),
    REINIT("reinit requested (POST /reinitialize) → streaming from the leader again", Unit.MILLIS),
    PRIMARY_DEMOTIONS("faults during which the primary stopped taking writes (etcd outage)", Unit.COUNT),
    DEMOTED_AFTER_QUORUM_LOSS("etcd quorum lost → old primary stops taking writes", Unit.MILLIS),
    CONVERGED_AFTER_ETCD_BACK("etcd quorum back → one primary, every standby streaming from it", Unit.MILLIS),
    AGENT_RSS_MAX("agent RSS, idle (largest agent)", Unit.MEGABYTES),
    AGENT_CPU_MAX("agent CPU, idle (busiest agent, % of one core)", Unit.PERCENT),
    AGENT_CPU_MEAN("agent CPU, idle (mean over agents, % of one core)", Unit.PERCENT),
    ETCD_RPS_TOTAL("etcd requests/s received in steady state (all members)", Unit.PER_SECOND),
    ETCD_RPS_PER_MEMBER("etcd requests/s per Regent member in steady state", Unit.PER_SECOND);

    /** How a value is stored (always a double) and printed. */
    public enum Unit {
        MILLIS("s"), COUNT(""), MEGABYTES("MB"), PERCENT("%"), PER_SECOND("/s");

        private final String suffix;

        Unit(String suffix) {
            this.suffix = suffix;
        }

        public String format(double value) {
            return switch (this) {
                case MILLIS -> String.format(java.util.Locale.ROOT, "%.2f s", value / 1000.0);
                case COUNT -> value == Math.rint(value) ? String.valueOf((long) value)
                        : String.format(java.util.Locale.ROOT, "%.1f", value);
                case MEGABYTES -> String.format(java.util.Locale.ROOT, "%.0f MB", value);
                case PERCENT -> String.format(java.util.Locale.ROOT, "%.2f %%", value);
                case PER_SECOND -> String.format(java.util.Locale.ROOT, "%.1f /s", value);
            };
        }

        public String suffix() {
            return suffix;
        }
    }

    private final String label;
    private final Unit unit;

    Figure(String label, Unit unit) {
        this.label = label;
        this.unit = unit;
    }

    public String label() {
        return label;
    }

    public Unit unit() {
        return unit;
    }

    /** The key in the JSON report, e.g. {@code new_primary}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
