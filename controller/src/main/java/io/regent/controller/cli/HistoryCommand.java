package io.regent.controller.cli;

import io.regent.common.model.ClusterView;
import io.regent.common.model.KeyProblem;
import io.regent.controller.render.HistoryRenderer;
import io.regent.controller.render.OutputFormat;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code regentctl history}: the timeline switches recorded in the {@code history} key. */
@Command(name = "history",
        mixinStandardHelpOptions = true,
        description = "Show the cluster's timeline history: each promotion, where the old timeline ended, and why.")
final class HistoryCommand implements Callable<Integer> {

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
        String historyKey = target.keys().history();
        for (KeyProblem problem : view.problems()) {
            if (problem.key().equals(historyKey)) {
                throw new CliFailure(RegentCtl.EXIT_FAILED, "the history key is unreadable: " + problem.reason(), null);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(HistoryRenderer.render(format, view.history()));
        out.flush();
        return RegentCtl.EXIT_OK;
    }
}
