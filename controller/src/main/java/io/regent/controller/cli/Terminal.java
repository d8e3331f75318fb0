package io.regent.controller.cli;

import java.io.Console;

/**
 * Where regentctl asks the operator to confirm. {@link #NONE} (no terminal: stdin is a pipe, a cron job,
 * a test) makes every command that needs a confirmation refuse unless {@code --force} is given.
 */
public interface Terminal {

    Terminal NONE = new Terminal() {
        @Override
        public boolean isInteractive() {
            return false;
        }

        @Override
        public String readLine(String prompt) {
            throw new IllegalStateException("no terminal");
        }

        @Override
        public String readSecret(String prompt) {
            throw new IllegalStateException("no terminal");
        }
    };

    /** True when there is a person to ask. */
    boolean isInteractive();

    /** Shows {@code prompt} and returns the line typed, or null at end of input. */
    String readLine(String prompt);

    /** Like {@link #readLine} without echoing what is typed. */
    String readSecret(String prompt);

    /** The process's controlling terminal ({@link System#console()}), or {@link #NONE} without one. */
    static Terminal system() {
        Console console = System.console();
        if (console == null) {
            return NONE;
        }
        return new Terminal() {
            @Override
            public boolean isInteractive() {
                return true;
            }

            @Override
            public String readLine(String prompt) {
                return console.readLine("%s", prompt);
            }

            @Override
            public String readSecret(String prompt) {
                char[] typed = console.readPassword("%s", prompt);
                return typed == null ? null : new String(typed);
            }
        };
    }
}
