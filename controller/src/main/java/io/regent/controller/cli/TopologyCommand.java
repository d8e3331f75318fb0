package io.regent.controller.cli;

import io.regent.common.model.ClusterView;
import io.regent.controller.render.MemberListing;
import io.regent.controller.render.TableRenderer;
import io.regent.controller.render.Topology;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code regentctl topology}: the list table in tree order by who streams from whom. */
@Command(name = "topology",
        mixinStandardHelpOptions = true,
        description = "Show the members as a tree by upstream: each standby under the member it streams from.")
final class TopologyCommand implements Callable<Integer> {

    @ParentCommand
    private RegentCtl root;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        ClusterTarget target = root.target(spec.commandLine());
        ClusterView view = root.loadView(target);
        MemberListing listing = Topology.of(MemberListing.of(target.scope(), view));
        PrintWriter out = spec.commandLine().getOut();
        out.print(new TableRenderer().render(listing));
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        listing.warnings().forEach(warning -> err.println("warning: " + warning));
        err.flush();
        return RegentCtl.EXIT_OK;
    }
}
