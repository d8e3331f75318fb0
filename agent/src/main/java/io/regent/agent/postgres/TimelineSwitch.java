package io.regent.agent.postgres;

import io.regent.common.model.Lsn;

/** One line of a PostgreSQL timeline history file: {@code previousTimeline} ended at {@code switchLsn}. */
public record TimelineSwitch(int previousTimeline, Lsn switchLsn, String reason) {

    /**
     * Parses the last entry of a history file ({@code "1\t0/5000268\tno recovery target specified"}
     * per line; {@code #} starts a comment).
     */
    public static java.util.Optional<TimelineSwitch> lastOf(String historyFile) {
        TimelineSwitch last = null;
        for (String line : historyFile.split("\n")) {
            String content = line.strip();
            if (content.isEmpty() || content.startsWith("#")) {
                continue;
            }
            String[] fields = content.split("\\s+", 3);
            if (fields.length < 2) {
                continue;
            }
            try {
                last = new TimelineSwitch(Integer.parseInt(fields[0]), Lsn.parse(fields[1]),
                        fields.length > 2 ? fields[2].strip() : "");
            } catch (IllegalArgumentException e) {
                // a line we cannot read: keep the last good one
            }
        }
        return java.util.Optional.ofNullable(last);
    }
}
