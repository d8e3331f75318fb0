package io.regent.agent.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.regent.agent.ha.FailsafeCalls;
import io.regent.agent.ha.LocalRequests;
import io.regent.agent.status.StatusBoard;
import io.regent.common.config.Credentials;
import io.regent.common.config.HostPort;
import io.regent.common.model.Tags;
import io.regent.common.store.ClusterAdmin;
import io.regent.common.store.ClusterStore;
import io.regent.common.time.MonotonicClock;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's HTTP API on Vert.x. Handlers only read the {@link StatusBoard}; they never query
 * PostgreSQL or etcd while a load balancer waits.
 *
 * <p>The router, in order: basic authentication of unsafe methods (when configured), reading the body
 * of unsafe requests (bounded by {@link JsonBodies#MAX_BYTES}), the endpoints, and {@link Failures} for
 * whatever goes wrong. So an unsafe request without valid credentials is a 401 before it can be a 404
 * or a 405, and a handler only has to throw {@link BadRequestException} to answer 400.
 */
public final class RestServer implements AutoCloseable {

    private enum Lifecycle { NEW, STARTED, CLOSED }

    private final HostPort listen;
    private final List<Routes> endpoints;
    private final Optional<Credentials> authentication;
    private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.NEW);
    private Vertx vertx;

    /**
     * @param tags           this member's tags, for the health checks' {@code tag_<key>=<value>} filters
     * @param authentication username and password unsafe methods require; empty for none
     */
    public RestServer(HostPort listen, StatusBoard board, MonotonicClock clock, Tags tags,
                      Optional<Credentials> authentication, PrometheusMeterRegistry metrics, ClusterStore store,
                      ClusterAdmin admin, LocalRequests requests, FailsafeCalls failsafeCalls) {
        this(listen, authentication, List.of(
                new HealthRoutes(board, clock, new HealthChecks(tags)),
                new StatusRoutes(board),
                new MetricsRoutes(metrics),
                new ActionRoutes(board, store, java.time.Instant::now),
                new NodeActionRoutes(requests),
                new FailsafeRoutes(board, failsafeCalls),
                new ConfigRoutes(admin)));
    }

    /** The server with the given endpoints behind the authentication, body and failure handling. */
    RestServer(HostPort listen, Optional<Credentials> authentication, List<Routes> endpoints) {
        this.listen = listen;
        this.authentication = authentication;
        this.endpoints = List.copyOf(endpoints);
    }

    public void start() {
        if (!lifecycle.compareAndSet(Lifecycle.NEW, Lifecycle.STARTED)) {
            throw new IllegalStateException("REST server cannot be started twice");
        }
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(router(vertx))
                    .listen(listen.port(), listen.host())
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            if (server.actualPort() != listen.port()) {
                throw new IllegalStateException("REST API bound to port " + server.actualPort() + " instead of " + listen.port());
            }
        } catch (Exception e) {
            close();
            throw new IllegalStateException("cannot listen on " + listen + ": " + rootMessage(e), e);
        }
    }

    private Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        // catch-all routes that match every method: a route restricted to some methods would turn a GET
        // of an unknown path into a 405
        authentication.ifPresent(credentials -> router.route().handler(new BasicAuth(credentials)));
        Handler<RoutingContext> bodies = BodyHandler.create(false).setBodyLimit(JsonBodies.MAX_BYTES);
        router.route().handler(ctx -> {
            if (BasicAuth.UNSAFE.contains(ctx.request().method())) {
                bodies.handle(ctx);
            } else {
                ctx.next();
            }
        });
        endpoints.forEach(routes -> routes.register(router));
        router.route().failureHandler(Failures::handle);
        router.errorHandler(404, ctx -> Failures.text(ctx, 404, Failures.messageFor(404)));
        router.errorHandler(405, ctx -> Failures.text(ctx, 405, Failures.messageFor(405)));
        router.errorHandler(500, Failures::handle);
        return router;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Override
    public void close() {
        if (lifecycle.getAndSet(Lifecycle.CLOSED) == Lifecycle.CLOSED || vertx == null) {
            return;
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // shutting down anyway
        }
    }
}
