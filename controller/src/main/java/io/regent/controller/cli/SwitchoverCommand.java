package io.regent.controller.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regent.common.model.ClusterView;
import io.regent.common.model.Member;
import io.regent.common.store.etcd.JsonCodec;
import io.regent.controller.client.AgentRestClient;
import io.regent.controller.client.AgentUnreachableException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code regentctl switchover}: a planned hand-over from the running leader, asked of the leader's REST API
 * ({@code POST /switchover {leader, candidate, scheduled_at}}, Patroni's body). Checked here first, from
 * etcd: there is a leader, {@code --leader} names it, the candidate is a member, not the leader and not
 * {@code nofailover}. {@code --cancel} withdraws a scheduled one ({@code DELETE /switchover}).
 */
@Command(name = "switchover",
        mixinStandardHelpOptions = true,
        description = {"Hand the leader role over from the running leader to a standby (now or at a scheduled time).",
                "Without --candidate the agents choose the best standby."})
final class SwitchoverCommand implements Callable<Integer> {

    @ParentCommand
    private RegentCtl root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private RestApiOptions api;

    @Option(names = "--leader", paramLabel = "NAME", description = "The current leader (checked; the switchover is refused if it is not).")
    private String leader;

    @Option(names = "--candidate", paramLabel = "NAME", description = "The standby to promote (default: the best one).")
    private String candidate;

    @Option(names = "--scheduled", paramLabel = "TIME",
            description = "When: an ISO-8601 time with an offset (2026-11-25T22:00:00+01:00 or …Z), or now (default).")
    private String scheduled;

    @Option(names = "--cancel", description = "Cancel the scheduled switchover.")
    private boolean cancel;

    @Option(names = "--force", description = "Do not ask for confirmation.")
    private boolean force;

    @Override
    public Integer call() {
        if (cancel && (candidate != null || scheduled != null)) {
            throw new ParameterException(spec.commandLine(), "--cancel takes no --candidate or --scheduled");
        }
        Optional<Instant> at = scheduledAt();
        ClusterTarget target = root.target(spec.commandLine());
        ClusterView view = root.loadView(target);
        String scope = target.scope();
        PrintWriter out = spec.commandLine().getOut();
        if (cancel) {
            return cancel(target, view, out);
        }
        Member current = view.leaderMember().orElseThrow(() -> new CliFailure(RegentCtl.EXIT_FAILED, "refused: cluster "
                + scope + " has no leader" + view.leader().map(lock -> " (the leader key names " + lock.name() + ", which has no member key)").orElse("")
                + "; a switchover needs a running leader (use 'regentctl failover --candidate NAME')", null));
        if (leader != null && !leader.equals(current.name())) {
            AgentActions.member(view, scope, leader);
            throw new CliFailure(RegentCtl.EXIT_FAILED, "refused: " + leader + " is not the leader of cluster " + scope
                    + " (" + current.name() + " is)", null);
        }
        if (candidate != null) {
            Member chosen = AgentActions.member(view, scope, candidate);
            if (chosen.name().equals(current.name())) {
                throw new CliFailure(RegentCtl.EXIT_FAILED, "refused: " + candidate + " is already the leader of cluster " + scope, null);
            }
            if (chosen.tags().nofailover()) {
                throw new CliFailure(RegentCtl.EXIT_FAILED, "refused: " + candidate + " is tagged nofailover and is never promoted", null);
            }
        } else {
            List<String> eligible = view.membersByName().stream()
                    .filter(member -> !member.name().equals(current.name()) && !member.tags().nofailover())
                    .map(Member::name).toList();
            if (eligible.isEmpty()) {
                throw new CliFailure(RegentCtl.EXIT_FAILED, "refused: cluster " + scope
                        + " has no standby that may be promoted (none, or all tagged nofailover)", null);
            }
        }
        String apiUrl = AgentActions.apiUrl(current);
        AgentRestClient client = api.client(root, target);
        String question = at.map(time -> "Are you sure you want to schedule a switchover of cluster " + scope + " at " + time
                        + ", demoting " + current.name() + "?")
                .orElse("Are you sure you want to switchover cluster " + scope + ", demoting " + current.name() + "?");
        Confirmation.require(root.terminal(), force, question, "switchover cluster " + scope);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("leader", current.name());
        if (candidate != null) {
            body.put("candidate", candidate);
        }
        at.ifPresent(time -> body.put("scheduled_at", time.toString()));
        try {
            AgentActions.report(out, current.name(), "switchover of cluster " + scope + " from " + current.name()
                    + (candidate == null ? "" : " to " + candidate), client.post(apiUrl, "/switchover", body));
        } catch (AgentUnreachableException e) {
            throw AgentActions.unreachable(current.name(), e);
        }
        return RegentCtl.EXIT_OK;
    }

    private int cancel(ClusterTarget target, ClusterView view, PrintWriter out) {
        String scope = target.scope();
        if (view.failover().isEmpty()) {
            out.println("Cluster " + scope + " has no pending switchover; nothing to cancel.");
            out.flush();
            return RegentCtl.EXIT_OK;
        }
        Member asked = view.leaderMember().or(() -> view.membersByName().stream()
                        .filter(member -> member.apiUrl() != null && !member.apiUrl().isBlank()).findFirst())
                .orElseThrow(() -> new CliFailure(RegentCtl.EXIT_FAILED, "no member of cluster " + scope
                        + " has published a REST API address to ask", null));
        try {
            AgentActions.report(out, asked.name(), "cancel of the scheduled switchover of cluster " + scope,
                    api.client(root, target).delete(AgentActions.apiUrl(asked), "/switchover"));
        } catch (AgentUnreachableException e) {
            throw AgentActions.unreachable(asked.name(), e);
        }
        return RegentCtl.EXIT_OK;
    }

    private Optional<Instant> scheduledAt() {
        if (scheduled == null || scheduled.equalsIgnoreCase("now")) {
            return Optional.empty();
        }
        Instant at;
        try {
            at = JsonCodec.timestamp(scheduled.trim());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--scheduled: " + e.getMessage());
        }
        if (at.isBefore(Instant.now())) {
            throw new ParameterException(spec.commandLine(), "--scheduled: " + scheduled + " is in the past");
        }
        return Optional.of(at);
    }
}
