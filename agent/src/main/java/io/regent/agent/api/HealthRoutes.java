package io.regent.agent.api;

import io.regent.agent.status.LoopSnapshot;
import io.regent.agent.status.StatusBoard;
import io.regent.common.time.MonotonicClock;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Patroni-compatible health checks: the status code is the answer (200 yes, 503 no). GET carries the
 * node status as a body; HEAD and OPTIONS (HAProxy's {@code option httpchk OPTIONS /primary}) do not.
 * A query parameter that cannot be understood ({@code ?lag=abc}) is a 400.
 */
final class HealthRoutes implements Routes {

    private interface Check {
        boolean healthy(LoopSnapshot snapshot, HealthQuery query, long nowNanos);
    }

    private final StatusBoard board;
    private final MonotonicClock clock;
    private final HealthChecks checks;

    HealthRoutes(StatusBoard board, MonotonicClock clock, HealthChecks checks) {
        this.board = board;
        this.clock = clock;
        this.checks = checks;
    }

    @Override
    public void register(Router router) {
        check(router, List.of("/", "/primary", "/leader", "/master", "/read-write"), checks::primary);
        check(router, List.of("/replica"), (s, q, now) -> checks.replica(s, q));
        check(router, List.of("/read-only"), checks::readOnly);
        check(router, List.of("/sync", "/synchronous"), (s, q, now) -> checks.synchronous(s, q));
        check(router, List.of("/async", "/asynchronous"), (s, q, now) -> checks.asynchronous(s, q));
        check(router, List.of("/health"), (s, q, now) -> checks.health(s));
        check(router, List.of("/liveness"), (s, q, now) -> checks.liveness(s, now));
        check(router, List.of("/readiness"), checks::readiness);
    }

    private void check(Router router, List<String> paths, Check check) {
        for (String path : paths) {
            for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS)) {
                router.route(method, path).handler(ctx -> answer(ctx, check));
            }
        }
    }

    private void answer(RoutingContext ctx, Check check) {
        HealthQuery query = HealthQuery.parse(ctx.queryParams());
        LoopSnapshot snapshot = board.snapshot();
        ctx.response().setStatusCode(check.healthy(snapshot, query, clock.nanos()) ? 200 : 503);
        if (ctx.request().method() == HttpMethod.GET) {
            ctx.response().putHeader("Content-Type", "application/json").end(StatusJson.of(snapshot).encode());
        } else {
            ctx.response().end();
        }
    }
}
