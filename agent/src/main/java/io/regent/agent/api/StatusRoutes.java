package io.regent.agent.api;

import io.regent.agent.status.StatusBoard;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

/** {@code GET /patroni}: this node's status as of the last HA cycle. */
final class StatusRoutes {

    private final StatusBoard board;

    StatusRoutes(StatusBoard board) {
        this.board = board;
    }

    void register(Router router) {
        router.route(HttpMethod.GET, "/patroni").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json")
                .end(StatusJson.of(board.current()).encode()));
    }
}
