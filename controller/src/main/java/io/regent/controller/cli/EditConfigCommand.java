package io.regent.controller.cli;

import io.regent.common.store.ClusterAdmin;
import io.regent.common.store.StoreUnavailableException;
import io.regent.controller.config.DynamicConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code regentctl edit-config}: changes the dynamic configuration by compare-and-swap on the key's
 * revision. {@code --apply FILE} is merged first (JSON merge patch: a null removes a key), then every
 * {@code --set} in order. The diff is shown, the operator confirms, and a value the agents would reject
 * is refused with their reason.
 */
@Command(name = "edit-config",
        mixinStandardHelpOptions = true,
        description = "Change the cluster's dynamic configuration (shows a diff, asks, then writes by compare-and-swap).")
final class EditConfigCommand implements Callable<Integer> {

    @ParentCommand
    private RegentCtl root;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Set one setting; dotted keys nest (postgresql.parameters.work_mem=8MB); the value is read as "
                    + "YAML (2 is a number, true a boolean); an empty value or null removes the key. Repeatable.")
    private List<String> assignments = List.of();

    @Option(names = "--apply", paramLabel = "FILE",
            description = "Merge the settings of a YAML or JSON file (- for stdin); null removes a key.")
    private Path apply;

    @Option(names = "--expect-revision", paramLabel = "REV",
            description = "Write only if the config key is still at this etcd revision.")
    private Long expectRevision;

    @Option(names = "--force", description = "Do not ask for confirmation.")
    private boolean force;

    @Override
    public Integer call() {
        if (assignments.isEmpty() && apply == null) {
            throw new ParameterException(spec.commandLine(), "nothing to change: give --set KEY=VALUE or --apply FILE");
        }
        ClusterTarget target = root.target(spec.commandLine());
        Optional<String> patch = apply == null ? Optional.empty() : Optional.of(readPatch(apply));
        PrintWriter out = spec.commandLine().getOut();
        try (ClusterAdmin admin = root.openAdmin(target)) {
            ConfigChange change = ConfigChange.read(admin, target, false);
            change.requireConcurrency(Optional.ofNullable(expectRevision));
            try {
                patch.ifPresent(text -> DynamicConfig.merge(change.after(), DynamicConfig.parseDocument(text)));
                assignments.forEach(assignment -> DynamicConfig.set(change.after(), assignment));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            if (!change.changesAnything()) {
                out.println("No changes: the config of cluster " + target.scope() + " already says so.");
                out.flush();
                return RegentCtl.EXIT_OK;
            }
            out.println("--- config of cluster " + target.scope() + " (revision " + change.revision() + ")");
            out.println("+++ with your changes");
            change.diff().forEach(out::println);
            out.flush();
            change.requireAcceptable();
            Confirmation.require(root.terminal(), force, "Apply these changes to the config of cluster " + target.scope() + "?",
                    "change the config of cluster " + target.scope());
            long revision = change.commit(admin, Optional.ofNullable(expectRevision));
            out.println("Config of cluster " + target.scope() + " changed (revision " + change.revision() + " -> " + revision + ").");
            out.flush();
            return RegentCtl.EXIT_OK;
        } catch (StoreUnavailableException e) {
            throw RegentCtl.unavailable(target, e);
        }
    }

    private String readPatch(Path file) {
        try {
            if (file.toString().equals("-")) {
                return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return Files.readString(file);
        } catch (IOException e) {
            throw new CliFailure(RegentCtl.EXIT_USAGE, "--apply: cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
