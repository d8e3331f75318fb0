package io.regent.controller.cli;

import io.regent.common.model.ClusterView;
import io.regent.common.model.Member;
import io.regent.controller.client.AgentResponse;
import io.regent.controller.client.AgentUnreachableException;
import java.io.PrintWriter;
import java.util.stream.Collectors;

/** What the action commands share: finding members in the snapshot and turning an agent's answer into output. */
final class AgentActions {

    private AgentActions() {
    }

    /** The member named {@code name}, or a refusal naming the members there are. */
    static Member member(ClusterView view, String scope, String name) {
        return view.member(name).orElseThrow(() -> new CliFailure(RegentCtl.EXIT_FAILED, "refused: " + name
                + " is not a member of cluster " + scope + " (members: " + names(view) + ")", null));
    }

    static String names(ClusterView view) {
        String names = view.membersByName().stream().map(Member::name).collect(Collectors.joining(", "));
        return names.isEmpty() ? "none" : names;
    }

    /** The member's published REST API address. */
    static String apiUrl(Member member) {
        if (member.apiUrl() == null || member.apiUrl().isBlank()) {
            throw new CliFailure(RegentCtl.EXIT_FAILED, member.name() + " has not published its REST API address (api_url)", null);
        }
        return member.apiUrl();
    }

    /**
     * Prints the outcome of a 200 or 202 answer; any other status fails with the agent's reason.
     *
     * @param what the action in a few words ("switchover", "restart of node2")
     */
    static void report(PrintWriter out, String who, String what, AgentResponse response) {
        if (response.isSuccess()) {
            out.println("Success: " + what + " (" + who + "): " + response.message());
        } else if (response.isScheduled()) {
            out.println("Scheduled: " + what + " (" + who + "): " + response.message());
        } else {
            throw new CliFailure(RegentCtl.EXIT_FAILED, what + " refused by " + who + " (HTTP " + response.status() + "): "
                    + response.message(), null);
        }
        out.flush();
    }

    static CliFailure unreachable(String who, AgentUnreachableException e) {
        return new CliFailure(RegentCtl.EXIT_FAILED, who + "'s REST API is unreachable: " + e.getMessage(), e);
    }
}
