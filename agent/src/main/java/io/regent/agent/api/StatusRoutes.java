package io.regent.agent.api;

import io.regent.agent.status.LoopSnapshot;
import io.regent.agent.status.StatusBoard;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The read-only documents: {@code GET /patroni} (this node), {@code /cluster}, {@code /history} and
 * {@code /config}, all from the cluster view the HA loop last decided on.
 */
final class StatusRoutes implements Routes {

    private final StatusBoard board;

    StatusRoutes(StatusBoard board) {
        this.board = board;
    }

    @Override
    public void register(Router router) {
        router.route(HttpMethod.GET, "/patroni").handler(ctx -> json(ctx, 200, StatusJson.of(board.snapshot()).encode()));
        router.route(HttpMethod.GET, "/cluster").handler(ctx -> {
            LoopSnapshot s = board.snapshot();
            json(ctx, 200, ClusterJson.cluster(s.status().scope(), s.view()).encode());
        });
        router.route(HttpMethod.GET, "/history").handler(ctx -> json(ctx, 200, ClusterJson.history(board.snapshot().view()).encode()));
        router.route(HttpMethod.GET, "/config").handler(ctx -> {
            LoopSnapshot s = board.snapshot();
            if (s.view().config().isEmpty()) {
                Failures.text(ctx, 503, "the cluster's config key is not known: the agent has not read it from etcd yet");
                return;
            }
            json(ctx, 200, ClusterJson.config(s.view().config().get(), s.view().paused()).encode());
        });
    }

    private static void json(RoutingContext ctx, int code, String body) {
        ctx.response().setStatusCode(code).putHeader("Content-Type", "application/json").end(body);
    }
}
