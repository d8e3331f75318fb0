package io.regent.controller.cli;

import io.regent.common.model.ClusterView;
import io.regent.common.model.Member;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code regentctl version}: this tool's version and, when a cluster is named, the PostgreSQL version each
 * member published in its member key ({@code version}; unknown while its PostgreSQL is down).
 */
@Command(name = "version",
        mixinStandardHelpOptions = true,
        description = "Show regentctl's version and, with a cluster named, each member's PostgreSQL version.")
final class VersionCommand implements Callable<Integer> {

    @ParentCommand
    private RegentCtl root;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println(new RegentCtl.Version().getVersion()[0]);
        out.flush();
        ClusterTarget target;
        try {
            target = root.target(spec.commandLine());
        } catch (ParameterException noCluster) {
            return RegentCtl.EXIT_OK;
        }
        ClusterView view = root.loadView(target);
        for (Member member : view.membersByName()) {
            out.println(member.name() + ": PostgreSQL " + (member.version() == null ? "(unknown)" : member.version()));
        }
        out.flush();
        return RegentCtl.EXIT_OK;
    }
}
