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

/** {@code regentctl reload [MEMBER…]}: agents re-read their configuration ({@code POST /reload}); all members by default. */
@Command(name = "reload",
        mixinStandardHelpOptions = true,
        description = "Make agents re-read their configuration and reload PostgreSQL (all members by default).")
final class ReloadCommand implements Callable<Integer> {

    @ParentCommand
    private RegentCtl root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private RestApiOptions api;

    @Parameters(paramLabel = "MEMBER", arity = "0..*", description = "Members to reload (default: all).")
    private List<String> names = List.of();

    @Option(names = "--force", description = "Do not ask for confirmation.")
    private boolean force;

    @Override
    public Integer call() {
        ClusterTarget target = root.target(spec.commandLine());
        ClusterView view = root.loadView(target);
        List<Member> members = names.isEmpty() ? view.membersByName()
                : names.stream().distinct().map(name -> AgentActions.member(view, target.scope(), name)).toList();
        if (members.isEmpty()) {
            throw new CliFailure(RegentCtl.EXIT_FAILED, "cluster " + target.scope() + " has no members to reload", null);
        }
        members.forEach(AgentActions::apiUrl);
        String list = String.join(", ", members.stream().map(Member::name).toList());
        var client = api.client(root, target);
        Confirmation.require(root.terminal(), force, "Are you sure you want to reload " + list + " of cluster "
                + target.scope() + "?", "reload " + list);
        return MemberAction.run(client, spec.commandLine().getOut(), spec.commandLine().getErr(), members, "/reload", "reload");
    }
}
