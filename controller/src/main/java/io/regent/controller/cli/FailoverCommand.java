package io.regent.controller.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regent.common.model.ClusterView;
import io.regent.common.model.Member;
import io.regent.controller.client.AgentResponse;
import io.regent.controller.client.AgentRestClient;
import io.regent.controller.client.AgentUnreachableException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code regentctl failover --candidate X}: promote a named member, with or without a leader
 * ({@code POST /failover {candidate}}). Asked of the leader's REST API first, then the candidate's, then
 * the others'; the next one is tried only when one is unreachable, never after an answer.
 */
@Command(name = "failover",
        mixinStandardHelpOptions = true,
        description = "Promote a named member now, also when the cluster has no leader.")
final class FailoverCommand implements Callable<Integer> {

    @ParentCommand
    private RegentCtl root;

    @Spec
    private CommandSpec spec;

    @Mixin
    private RestApiOptions api;

    @Option(names = "--candidate", paramLabel = "NAME", required = true, description = "The member to promote.")
    private String candidate;

    @Option(names = "--force", description = "Do not ask for confirmation.")
    private boolean force;

    @Override
    public Integer call() {
        ClusterTarget target = root.target(spec.commandLine());
        ClusterView view = root.loadView(target);
        String scope = target.scope();
        Member chosen = AgentActions.member(view, scope, candidate);
        Optional<String> leader = view.leader().map(lock -> lock.name());
        if (leader.filter(candidate::equals).isPresent()) {
            throw new CliFailure(RegentCtl.EXIT_FAILED, "refused: " + candidate + " is already the leader of cluster " + scope, null);
        }
        if (chosen.tags().nofailover()) {
            throw new CliFailure(RegentCtl.EXIT_FAILED, "refused: " + candidate + " is tagged nofailover and is never promoted", null);
        }
        Set<Member> asked = new LinkedHashSet<>();
        view.leaderMember().ifPresent(asked::add);
        asked.add(chosen);
        asked.addAll(view.membersByName());
        List<Member> reachable = asked.stream().filter(member -> member.apiUrl() != null && !member.apiUrl().isBlank()).toList();
        if (reachable.isEmpty()) {
            throw new CliFailure(RegentCtl.EXIT_FAILED, "no member of cluster " + scope + " has published a REST API address", null);
        }
        AgentRestClient client = api.client(root, target);
        Confirmation.require(root.terminal(), force, "Are you sure you want to failover cluster " + scope + " to " + candidate
                        + leader.map(name -> ", demoting " + name).orElse("") + "?",
                "failover cluster " + scope);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("candidate", candidate);
        PrintWriter out = spec.commandLine().getOut();
        List<String> failures = new ArrayList<>();
        for (Member member : reachable) {
            AgentResponse response;
            try {
                response = client.post(member.apiUrl(), "/failover", body);
            } catch (AgentUnreachableException e) {
                failures.add(member.name() + ": " + e.getMessage());
                continue;
            }
            AgentActions.report(out, member.name(), "failover of cluster " + scope + " to " + candidate, response);
            return RegentCtl.EXIT_OK;
        }
        throw new CliFailure(RegentCtl.EXIT_FAILED, "no member's REST API answered (" + String.join("; ", failures) + ")", null);
    }
}
