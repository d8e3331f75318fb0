package io.regent.controller.cli;

import io.regent.common.model.ClusterView;
import io.regent.common.model.Member;
import io.regent.common.store.ClusterAdmin;
import io.regent.common.store.StoreUnavailableException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Sets {@code "pause"} in the config key through the same compare-and-swap path as edit-config. With
 * {@code wait}, returns once every member has published its member key after the change: each agent ran
 * a cycle that read the new value.
 */
final class Maintenance {

    private Maintenance() {
    }

    static int set(RegentCtl root, picocli.CommandLine command, boolean pause, boolean force, boolean wait,
                   Duration waitBound) {
        ClusterTarget target = root.target(command);
        PrintWriter out = command.getOut();
        String scope = target.scope();
        try (ClusterAdmin admin = root.openAdmin(target)) {
            ConfigChange change = ConfigChange.read(admin, target, true);
            boolean current = change.before().path("pause").asBoolean(false);
            if (current == pause) {
                out.println("Cluster " + scope + " is already " + (pause ? "paused" : "not paused") + "; nothing changed.");
                out.flush();
                return RegentCtl.EXIT_OK;
            }
            change.after().put("pause", pause);
            Confirmation.require(root.terminal(), force, pause
                            ? "Are you sure you want to pause cluster " + scope + "? Agents will take no automatic action (no failover)."
                            : "Are you sure you want to resume cluster " + scope + "? Agents act on their own again.",
                    (pause ? "pause" : "resume") + " cluster " + scope);
            long revision = change.commit(admin, Optional.empty());
            out.println((pause ? "Paused" : "Resumed") + " cluster " + scope + ": pause " + current + " -> " + pause
                    + " in the config key (revision " + change.revision() + " -> " + revision + ").");
            out.flush();
            if (wait) {
                awaitMembers(admin, revision, waitBound, out, scope);
            }
            return RegentCtl.EXIT_OK;
        } catch (StoreUnavailableException e) {
            throw RegentCtl.unavailable(target, e);
        }
    }

    private static void awaitMembers(ClusterAdmin admin, long revision, Duration bound, PrintWriter out, String scope) {
        long deadline = System.nanoTime() + bound.toNanos();
        List<String> behind;
        do {
            ClusterView view = admin.load();
            behind = view.membersByName().stream().filter(member -> member.modRevision() <= revision).map(Member::name).toList();
            if (behind.isEmpty()) {
                out.println("Every member of cluster " + scope + " has published since the change.");
                out.flush();
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (System.nanoTime() < deadline);
        throw new CliFailure(RegentCtl.EXIT_FAILED, "the change is written, but " + String.join(", ", behind)
                + " did not publish within " + bound.toSeconds() + " s after it", null);
    }
}
