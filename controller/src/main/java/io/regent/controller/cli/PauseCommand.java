package io.regent.controller.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code regentctl pause}: maintenance mode ({@code "pause": true} in the config key). */
@Command(name = "pause",
        mixinStandardHelpOptions = true,
        description = "Maintenance mode: agents keep publishing their state but take no automatic action (no failover).")
final class PauseCommand implements Callable<Integer> {

    @ParentCommand
    private RegentCtl root;

    @Spec
    private CommandSpec spec;

    @Option(names = "--force", description = "Do not ask for confirmation.")
    private boolean force;

    @Option(names = "--wait", description = "Wait until every member has published after the change.")
    private boolean await;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long --wait waits (default: 60).")
    private int waitSeconds;

    @Override
    public Integer call() {
        return Maintenance.set(root, spec.commandLine(), true, force, await, Duration.ofSeconds(waitSeconds));
    }
}
