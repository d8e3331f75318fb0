package io.regent.controller.cli;

import io.regent.common.store.ClusterAdmin;
import io.regent.common.store.StoreUnavailableException;
import io.regent.controller.config.DynamicConfig;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code regentctl show-config}: the {@code config} key as stored (fields Regent does not know included),
 * as YAML, with every secret-looking value masked.
 */
@Command(name = "show-config",
        mixinStandardHelpOptions = true,
        description = "Show the cluster's dynamic configuration (the config key) as YAML; secrets are masked.")
final class ShowConfigCommand implements Callable<Integer> {

    @ParentCommand
    private RegentCtl root;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        ClusterTarget target = root.target(spec.commandLine());
        Optional<ClusterAdmin.Versioned> config;
        try (ClusterAdmin admin = root.openAdmin(target)) {
            config = admin.readConfig();
        } catch (StoreUnavailableException e) {
            throw RegentCtl.unavailable(target, e);
        }
        if (config.isEmpty()) {
            throw new CliFailure(RegentCtl.EXIT_FAILED, "cluster " + target.scope() + " has no config key ("
                    + target.keys().config() + "): not bootstrapped yet, or a wrong --scope/--namespace", null);
        }
        String yaml;
        try {
            yaml = DynamicConfig.toYaml(DynamicConfig.parse(config.get().value()));
        } catch (IllegalArgumentException e) {
            throw new CliFailure(RegentCtl.EXIT_FAILED, e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(yaml);
        out.flush();
        return RegentCtl.EXIT_OK;
    }
}
