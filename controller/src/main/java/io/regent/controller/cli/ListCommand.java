package io.regent.controller.cli;

import io.regent.common.model.ClusterView;
import io.regent.controller.render.MemberListing;
import io.regent.controller.render.OutputFormat;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code regentctl list}: one line per member, read from one etcd snapshot. Only what etcd says is
 * shown; no agent is asked, so the listing works while agents are down. Warnings about the snapshot
 * go to stderr, so {@code -f json|yaml} output stays parseable.
 */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        description = "Show the cluster's members: role, state, upstream, lag and connection string.")
final class ListCommand implements Callable<Integer> {

    @ParentCommand
    private RegentCtl root;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default), json or yaml.")
    private OutputFormat format;

    @Override
    public Integer call() {
        ClusterTarget target = root.target(spec.commandLine());
        ClusterView view = root.loadView(target);
        MemberListing listing = MemberListing.of(target.scope(), view);
        PrintWriter out = spec.commandLine().getOut();
        out.print(format.renderer().render(listing));
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        listing.warnings().forEach(warning -> err.println("warning: " + warning));
        err.flush();
        return RegentCtl.EXIT_OK;
    }
}
