package io.regent.controller.cli;

import java.util.Locale;

/** Asks before a command changes the cluster, unless {@code --force} was given. */
final class Confirmation {

    private Confirmation() {
    }

    /**
     * Returns when the operator confirmed {@code question} (or {@code force} is set).
     *
     * @param what the action in a few words, for the refusal message ("switchover cluster demo")
     * @throws CliFailure (exit 1) without a terminal to ask on, or when the answer is not yes
     */
    static void require(Terminal terminal, boolean force, String question, String what) {
        if (force) {
            return;
        }
        if (!terminal.isInteractive()) {
            throw new CliFailure(RegentCtl.EXIT_FAILED,
                    "not confirmed: no terminal to ask whether to " + what + " (add --force to go ahead)", null);
        }
        String answer = terminal.readLine(question + " [y/N]: ");
        String normalized = answer == null ? "" : answer.trim().toLowerCase(Locale.ROOT);
        if (!normalized.equals("y") && !normalized.equals("yes")) {
            throw new CliFailure(RegentCtl.EXIT_FAILED, "aborted: did not " + what, null);
        }
    }

    /**
     * Returns when the operator typed {@code expected} exactly (or passed it as {@code given}).
     *
     * @throws CliFailure (exit 1) when the text does not match, or nobody can be asked
     */
    static void requireTyped(Terminal terminal, String given, String prompt, String expected, String what) {
        String typed = given;
        if (typed == null) {
            if (!terminal.isInteractive()) {
                throw new CliFailure(RegentCtl.EXIT_FAILED,
                        "not confirmed: no terminal to ask whether to " + what + " (give the cluster name with --confirm NAME)", null);
            }
            typed = terminal.readLine(prompt);
        }
        if (typed == null || !typed.trim().equals(expected)) {
            throw new CliFailure(RegentCtl.EXIT_FAILED, "aborted: '" + (typed == null ? "" : typed.trim())
                    + "' is not the cluster name '" + expected + "'; did not " + what, null);
        }
    }
}
