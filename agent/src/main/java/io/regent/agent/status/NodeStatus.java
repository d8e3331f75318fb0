package io.regent.agent.status;

import io.regent.common.model.PgState;
import io.regent.common.model.Role;

/**
 * This node as of the last HA cycle: what the REST API serves. Published by the loop, read by
 * request handlers; never computed on a request.
 *
 * @param leaseValidUntilNanos  monotonic deadline of the member lease (meaningful when {@code leader})
 * @param cycleAtNanos          monotonic time the cycle that produced this status ended
 */
public record NodeStatus(
        String scope,
        String name,
        Role role,
        PgState state,
        Integer timeline,
        Long xlogLocation,
        String serverVersion,
        String systemIdentifier,
        boolean leader,
        long leaseValidUntilNanos,
        boolean streaming,
        String upstream,
        String lastDecision,
        long cycleAtNanos) {

    public static NodeStatus starting(String scope, String name) {
        return new NodeStatus(scope, name, Role.UNINITIALIZED, PgState.UNKNOWN, null, null, null, null, false, 0, false,
                null, "agent starting", 0);
    }
}
