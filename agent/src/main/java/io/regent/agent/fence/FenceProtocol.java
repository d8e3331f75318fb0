package io.regent.agent.fence;

import java.util.Optional;

/**
 * The agent ↔ fence conversation: one line per request, one line per answer, over the fence's
 * Unix-domain socket. Requests: {@code ARM <ms>} (stop the local primary unless fed again within
 * {@code ms} milliseconds, counted on the fence's own monotonic clock), {@code DISARM}, {@code STATUS},
 * {@code EXIT}. Answers: {@code OK <state> <remaining ms> <times fired> <pid>} or {@code ERR <reason>}.
 */
final class FenceProtocol {

    static final String ARM = "ARM";
    static final String DISARM = "DISARM";
    static final String STATUS = "STATUS";
    static final String EXIT = "EXIT";
    static final int MAX_LINE = 256;

    private FenceProtocol() {
    }

    /** What the fence said about itself. */
    record Reply(FenceDeadline.State state, long remainingMillis, int fired, long pid) {

        static String format(FenceDeadline.State state, long remainingMillis, int fired, long pid) {
            return "OK " + state.name().toLowerCase(java.util.Locale.ROOT) + " " + remainingMillis + " " + fired + " " + pid;
        }

        static Optional<Reply> parse(String line) {
            String[] words = line.trim().split(" ");
            if (words.length != 5 || !"OK".equals(words[0])) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Reply(FenceDeadline.State.valueOf(words[1].toUpperCase(java.util.Locale.ROOT)),
                        Long.parseLong(words[2]), Integer.parseInt(words[3]), Long.parseLong(words[4])));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }
}
