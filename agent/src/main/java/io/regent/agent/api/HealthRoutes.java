package io.regent.agent.api;

import io.regent.agent.status.NodeStatus;
import io.regent.agent.status.StatusBoard;
import io.regent.common.model.PgState;
import io.regent.common.model.Role;
import io.regent.common.time.MonotonicClock;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Predicate;

/**
 * Patroni-compatible health checks: the status code is the answer (200 yes, 503 no). GET carries the
 * node status as a body; HEAD and OPTIONS (HAProxy's {@code option httpchk OPTIONS /primary}) do not.
 */
final class HealthRoutes {

    private final StatusBoard board;
    private final MonotonicClock clock;

    HealthRoutes(StatusBoard board, MonotonicClock clock) {
        this.board = board;
        this.clock = clock;
    }

    void register(Router router) {
        check(router, List.of("/", "/primary", "/leader", "/master", "/read-write"), this::isWritableLeader);
        check(router, List.of("/replica"), HealthRoutes::isStreamingStandby);
        check(router, List.of("/health"), status -> status.state() == PgState.RUNNING);
    }

    /** The leader, running, and its lease certainly still valid: nobody else can have been promoted. */
    private boolean isWritableLeader(NodeStatus status) {
        return status.leader() && status.role() == Role.PRIMARY && status.state() == PgState.RUNNING
                && status.leaseValidUntilNanos() - clock.nanos() > 0;
    }

    private static boolean isStreamingStandby(NodeStatus status) {
        return status.role() == Role.REPLICA && status.state() == PgState.RUNNING && status.streaming();
    }

    private void check(Router router, List<String> paths, Predicate<NodeStatus> healthy) {
        for (String path : paths) {
            for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS)) {
                router.route(method, path).handler(ctx -> answer(ctx, healthy));
            }
        }
    }

    private void answer(RoutingContext ctx, Predicate<NodeStatus> healthy) {
        NodeStatus status = board.current();
        ctx.response().setStatusCode(healthy.test(status) ? 200 : 503);
        if (ctx.request().method() == HttpMethod.GET) {
            ctx.response().putHeader("Content-Type", "application/json").end(StatusJson.of(status).encode());
        } else {
            ctx.response().end();
        }
    }
}
