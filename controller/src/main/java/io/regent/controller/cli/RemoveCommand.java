package io.regent.controller.cli;

import io.regent.common.model.ClusterView;
import io.regent.common.store.ClusterAdmin;
import io.regent.common.store.StoreUnavailableException;
import java.io.PrintWriter;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code regentctl remove}: deletes every key of the cluster (configuration, history, system identifier,
 * member keys…), for a cluster that is gone for good or is about to be bootstrapped afresh.
 *
 * <p>Two separate guards. The operator always types the cluster name (or passes it with
 * {@code --confirm NAME} when there is no terminal); {@code --force} never skips that. And while a leader
 * holds the leader key (agents are running), the removal is refused: the check and the deletion are one
 * etcd transaction, so a leader elected in between also stops it. {@code --force} lifts only that second
 * guard (running agents then recreate their member and leader keys, and may bootstrap a new cluster).
 */
@Command(name = "remove",
        mixinStandardHelpOptions = true,
        description = {"Delete all of the cluster's keys in etcd, after you type the cluster name.",
                "Refused while a leader holds the leader key (stop the agents first) unless --force."})
final class RemoveCommand implements Callable<Integer> {

    @ParentCommand
    private RegentCtl root;

    @Spec
    private CommandSpec spec;

    @Option(names = "--confirm", paramLabel = "NAME",
            description = "The cluster name, instead of typing it at the prompt (for scripts).")
    private String confirmName;

    @Option(names = "--force", description = "Remove even while a leader holds the leader key (agents running).")
    private boolean force;

    @Override
    public Integer call() {
        ClusterTarget target = root.target(spec.commandLine());
        String scope = target.scope();
        PrintWriter out = spec.commandLine().getOut();
        try (ClusterAdmin admin = root.openAdmin(target)) {
            ClusterView view = admin.load();
            if (view.leader().isPresent() && !force) {
                throw leaderPresent(scope, view.leader().get().name());
            }
            if (view.members().isEmpty() && view.config().isEmpty() && view.initialize().isEmpty() && view.leader().isEmpty()
                    && view.history().isEmpty() && view.problems().isEmpty() && view.failover().isEmpty()) {
                out.println("Cluster " + scope + " has no keys under " + target.keys().prefix() + "; nothing to remove.");
                out.flush();
                return RegentCtl.EXIT_OK;
            }
            String what = "remove cluster " + scope;
            Confirmation.requireTyped(root.terminal(), confirmName,
                    "You are about to delete every key of cluster " + scope + " under " + target.keys().prefix()
                            + (view.leader().isPresent() ? " while " + view.leader().get().name() + " holds the leader key" : "")
                            + ". Type the cluster name to confirm: ",
                    scope, what);
            long removed;
            if (force) {
                removed = admin.removeCluster();
            } else {
                OptionalLong result = admin.removeClusterIfLeaderless();
                if (result.isEmpty()) {
                    String leader = admin.load().leader().map(lock -> lock.name()).orElse("a member");
                    throw leaderPresent(scope, leader);
                }
                removed = result.getAsLong();
            }
            out.println("Removed cluster " + scope + ": deleted " + removed + " keys under " + target.keys().prefix() + ".");
            out.flush();
            return RegentCtl.EXIT_OK;
        } catch (StoreUnavailableException e) {
            throw RegentCtl.unavailable(target, e);
        }
    }

    private static CliFailure leaderPresent(String scope, String leader) {
        return new CliFailure(RegentCtl.EXIT_FAILED, "refused: " + leader + " holds the leader key of cluster " + scope
                + " (its agents are running); stop every agent first, or add --force (nothing removed)", null);
    }
}
