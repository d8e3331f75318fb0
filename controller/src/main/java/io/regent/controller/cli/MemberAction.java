package io.regent.controller.cli;

import io.regent.common.model.Member;
import io.regent.controller.client.AgentRestClient;
import io.regent.controller.client.AgentUnreachableException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends one action to each named member's own REST API, one after the other; every member gets its
 * request even if an earlier one failed, and the command fails if any did.
 */
final class MemberAction {

    private MemberAction() {
    }

    static int run(AgentRestClient client, PrintWriter out, PrintWriter err, List<Member> members, String path, String what) {
        List<String> failed = new ArrayList<>();
        for (Member member : members) {
            try {
                AgentActions.report(out, member.name(), what + " of " + member.name(),
                        client.post(AgentActions.apiUrl(member), path, path.equals("/reload") ? null
                                : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()));
            } catch (AgentUnreachableException e) {
                failed.add(member.name());
                err.println("regentctl: " + AgentActions.unreachable(member.name(), e).getMessage());
            } catch (CliFailure e) {
                failed.add(member.name());
                err.println("regentctl: " + e.getMessage());
            }
        }
        err.flush();
        if (failed.isEmpty()) {
            return RegentCtl.EXIT_OK;
        }
        if (members.size() == 1) {
            // the reason is already on stderr; one line is enough
            return RegentCtl.EXIT_FAILED;
        }
        throw new CliFailure(RegentCtl.EXIT_FAILED, what + " failed on " + String.join(", ", failed), null);
    }
}
