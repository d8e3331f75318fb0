package io.regent.controller.cli;

import io.regent.common.model.ClusterView;
import io.regent.common.model.Member;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code regentctl reinit MEMBER}: rebuild a standby from the leader ({@code POST /reinitialize}). The
 * leader itself is refused here: its data is the cluster's.
 */
@Command(name = "reinit",
        mixinStandardHelpOptions = true,
        description = "Rebuild a standby's data directory from the leader (a fresh base backup).")
final class ReinitCommand implements Callable<Integer> {

    @ParentCommand
    private RegentCtl root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private RestApiOptions api;

    @Parameters(paramLabel = "MEMBER", arity = "1", description = "The standby to rebuild.")
    private String name;

    @Option(names = "--force", description = "Do not ask for confirmation.")
    private boolean force;

    @Override
    public Integer call() {
        ClusterTarget target = root.target(spec.commandLine());
        ClusterView view = root.loadView(target);
        Member member = AgentActions.member(view, target.scope(), name);
        if (view.leader().filter(lock -> lock.name().equals(name)).isPresent()) {
            throw new CliFailure(RegentCtl.EXIT_FAILED, "refused: " + name + " holds the leader key of cluster " + target.scope()
                    + "; only a standby can be rebuilt (switch over first)", null);
        }
        AgentActions.apiUrl(member);
        var client = api.client(root, target);
        Confirmation.require(root.terminal(), force, "Are you sure you want to reinitialize " + name + " of cluster "
                + target.scope() + "? Its data directory is replaced by a copy of the leader's.", "reinitialize " + name);
        return MemberAction.run(client, spec.commandLine().getOut(), spec.commandLine().getErr(), List.of(member),
                "/reinitialize", "reinitialize");
    }
}
