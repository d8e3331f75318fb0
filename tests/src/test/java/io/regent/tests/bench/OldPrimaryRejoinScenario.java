package io.regent.tests.bench;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Host loss, then the dead machine comes back: its agent is started again on the old data
 * directory, starts PostgreSQL as the new leader's standby, and rewinds it if its WAL went past the
 * fork point (under the writer it usually did). Measured from the agent's start to streaming from the
 * new primary; the notes say how it rejoined. "Did not rejoin" is a figure, not an error.
 */
final class OldPrimaryRejoinScenario extends HostLossScenario {

    static final Duration REJOIN_BOUND = Duration.ofSeconds(60);

    OldPrimaryRejoinScenario() {
        super("rejoin", 2);
    }

    @Override
    public String description() {
        return "host loss of the primary with 2 standbys, then its agent restarted on the old data directory "
                + "(rewound when its WAL diverged)";
    }

    @Override
    public Map<Figure, String> goals() {
        Map<Figure, String> goals = new EnumMap<>(super.goals());
        goals.put(Figure.REJOINED, "1");
        goals.put(Figure.REJOIN, "≤ 3 s");
        return goals;
    }

    @Override
    void afterFailover(BenchContext context, RegentCluster cluster, AgentProcess old, AgentProcess primary,
                       RunFigures figures) throws Exception {
        int timeline = primary.timeline();
        long restarted = System.nanoTime();
        old.start();
        try (StreamWatch watch = StreamWatch.start(List.of(old),
                (node, r) -> r.streaming() && r.senderPort() == primary.pgPort() && r.timeline() == timeline)) {
            long deadline = restarted + Measurements.scaled(REJOIN_BOUND).toNanos();
            while (old.httpStatus("/patroni") == AgentProcess.UNREACHABLE && System.nanoTime() - deadline < 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
            if (System.nanoTime() - deadline < 0) {
                figures.putBetween(Figure.REJOIN_API, restarted, System.nanoTime());
            }
            Map<String, Long> streamed = watch.await(List.of(old), Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (streamed.containsKey(old.name())) {
                figures.put(Figure.REJOINED, 1);
                figures.putBetween(Figure.REJOIN, restarted, streamed.get(old.name()));
                figures.note("rejoin_how", howItRejoined(old));
            } else {
                figures.put(Figure.REJOINED, 0);
                Optional<String> state = old.status().map(s -> "role=" + s.path("role").asText() + " state="
                        + s.path("state").asText() + " timeline=" + s.path("timeline").asText());
                figures.note("rejoin", old.name() + " not streaming from " + primary.name() + " within " + REJOIN_BOUND
                        + " after restart; its agent says " + state.orElse("nothing (API unreachable)")
                        + "; last WAL receiver row " + watch.lastSeen(old) + "; log: " + lastInterestingLine(old));
            }
        }
    }

    /** The agent's own account, with its timestamps: where the rejoin time went. */
    private static String howItRejoined(AgentProcess node) {
        String[] lines = node.logTail(400).split("\n");
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("---- ")) {
                start = i;
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = start + 1; i < lines.length && out.length() < 1500; i++) {
            String l = lines[i];
            if (l.contains("HaLoop:") || l.contains("rewound") || l.contains("discarded") || l.contains("cloned")) {
                out.append(out.length() == 0 ? "" : " | ").append(l.length() > 23 ? l.substring(11, 23) + l.substring(l.indexOf(']') + 1) : l);
            }
        }
        return out.toString();
    }

    private static String lastInterestingLine(AgentProcess node) {
        String tail = node.logTail(200);
        String found = "";
        for (String line : tail.split("\n")) {
            String l = line.toLowerCase(java.util.Locale.ROOT);
            if (l.contains("diverg") || l.contains("rewind") || l.contains("timeline") || l.contains("cannot")) {
                found = line.strip();
            }
        }
        return found.isEmpty() ? "(nothing about divergence or rewind)" : found;
    }
}
