package io.regent.agent.api;

import io.regent.agent.ha.LocalRequests;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /restart}, {@code POST /reinitialize} and {@code POST /reload} on this node: each asks the HA
 * loop, which decides whether it can be done now and does it; the answer is 200 once done, 503 with the
 * reason otherwise (Patroni's codes).
 */
final class NodeActionRoutes implements Routes {

    private static final Logger LOG = LoggerFactory.getLogger(NodeActionRoutes.class);
    /** A re-clone of a large cluster outlasts any HTTP client's patience: answer 503 "still running" then. */
    private static final Duration WAIT = Duration.ofMinutes(5);

    private final LocalRequests requests;

    NodeActionRoutes(LocalRequests requests) {
        this.requests = requests;
    }

    @Override
    public void register(Router router) {
        router.route(HttpMethod.POST, "/restart").handler(ctx -> ask(ctx, LocalRequests.Kind.RESTART, "restarted"));
        router.route(HttpMethod.POST, "/reinitialize").handler(ctx -> ask(ctx, LocalRequests.Kind.REINITIALIZE, "reinitialized"));
        router.route(HttpMethod.POST, "/reload").handler(ctx -> ask(ctx, LocalRequests.Kind.RELOAD, "reloaded"));
    }

    private void ask(RoutingContext ctx, LocalRequests.Kind kind, String done) {
        JsonBodies.objectOrEmpty(ctx);  // a body, if any, must at least be JSON
        LOG.info("{} requested over the REST API", kind.name().toLowerCase(java.util.Locale.ROOT));
        requests.submit(kind).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).whenComplete((outcome, failure) -> {
            ctx.vertx().runOnContext(ignored -> {
                if (failure != null) {
                    Failures.text(ctx, 503, kind.name().toLowerCase(java.util.Locale.ROOT) + " still running after "
                            + WAIT.toMinutes() + " minutes; see the agent's log");
                } else if (outcome.done()) {
                    Failures.text(ctx, 200, done);
                } else {
                    Failures.text(ctx, 503, outcome.message());
                }
                LOG.info("POST {}: {}", ctx.request().path(), ctx.response().getStatusCode());
            });
        });
    }
}
