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

/** {@code regentctl restart MEMBER…}: restart PostgreSQL on members ({@code POST /restart} on each one's API). */
@Command(name = "restart",
        mixinStandardHelpOptions = true,
        description = "Restart PostgreSQL on the named members (their agents do it).")
final class RestartCommand implements Callable<Integer> {

    @ParentCommand
    private RegentCtl root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private RestApiOptions api;

    @Parameters(paramLabel = "MEMBER", arity = "1..*", description = "Members to restart.")
    private List<String> names;

    @Option(names = "--force", description = "Do not ask for confirmation.")
    private boolean force;

    @Override
    public Integer call() {
        ClusterTarget target = root.target(spec.commandLine());
        ClusterView view = root.loadView(target);
        List<Member> members = names.stream().distinct().map(name -> AgentActions.member(view, target.scope(), name)).toList();
        members.forEach(AgentActions::apiUrl);
        String list = String.join(", ", members.stream().map(Member::name).toList());
        var client = api.client(root, target);
        Confirmation.require(root.terminal(), force, "Are you sure you want to restart " + list + " of cluster "
                + target.scope() + "?", "restart " + list);
        return MemberAction.run(client, spec.commandLine().getOut(), spec.commandLine().getErr(), members, "/restart", "restart");
    }
}
