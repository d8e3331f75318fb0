package io.regent.agent.api;

import io.regent.agent.status.StatusBoard;
import io.regent.common.config.HostPort;
import io.regent.common.time.MonotonicClock;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's HTTP API on Vert.x. Handlers only read the {@link StatusBoard}; they never query
 * PostgreSQL or etcd while a load balancer waits.
 */
public final class RestServer implements AutoCloseable {

    private enum Lifecycle { NEW, STARTED, CLOSED }

    private final HostPort listen;
    private final StatusBoard board;
    private final MonotonicClock clock;
    private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.NEW);
    private Vertx vertx;

    public RestServer(HostPort listen, StatusBoard board, MonotonicClock clock) {
        this.listen = listen;
        this.board = board;
        this.clock = clock;
    }

    public void start() {
        if (!lifecycle.compareAndSet(Lifecycle.NEW, Lifecycle.STARTED)) {
            throw new IllegalStateException("REST server cannot be started twice");
        }
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        Router router = Router.router(vertx);
        new HealthRoutes(board, clock).register(router);
        new StatusRoutes(board).register(router);
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(router)
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
