package io.regent.tests.bench;

/** The HA settings every benchmark cluster runs with; recorded in the report next to the figures. */
public record HaSettings(int ttl, int loopWait, int retryTimeout, long maximumLagOnFailover) {

    /** What the end-to-end scenarios use ({@link io.regent.tests.fixture.RegentCluster}'s defaults). */
    public static HaSettings scenarioDefaults() {
        return new HaSettings(10, 1, 3, 1_048_576L);
    }

    /** Regent's own defaults ({@code HaConfig.DEFAULTS}): what an idle production cluster runs with. */
    public static HaSettings productDefaults() {
        return new HaSettings(30, 10, 10, 1_048_576L);
    }

    @Override
    public String toString() {
        return "ttl " + ttl + " s, loop_wait " + loopWait + " s, retry_timeout " + retryTimeout + " s";
    }
}
