package io.regent.agent.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

/** {@code GET /metrics}: the registry in Prometheus' text exposition format. */
final class MetricsRoutes implements Routes {

    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    MetricsRoutes(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void register(Router router) {
        router.route(HttpMethod.GET, "/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", CONTENT_TYPE)
                .end(registry.scrape()));
    }
}
