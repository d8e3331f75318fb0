package io.regent.agent.api;

import io.regent.agent.ha.OperatorRequests;
import io.regent.agent.status.StatusBoard;
import io.regent.common.model.ClusterView;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.LeaderLock;
import io.regent.common.model.Role;
import io.regent.common.store.ClusterStore;
import io.regent.common.store.etcd.JsonCodec;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /switchover}, {@code DELETE /switchover} and {@code POST /failover}. A request is checked
 * against the loop's latest view (412 with the reason when it cannot be done), then only recorded in
 * the {@code failover} key: the HA loops carry it out. An immediate request waits for the outcome (200
 * when the candidate leads, 503 otherwise); a scheduled one answers 202 at once.
 */
final class ActionRoutes implements Routes {

    private static final Logger LOG = LoggerFactory.getLogger(ActionRoutes.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final StatusBoard board;
    private final ClusterStore store;
    private final Supplier<Instant> now;

    ActionRoutes(StatusBoard board, ClusterStore store, Supplier<Instant> now) {
        this.board = board;
        this.store = store;
        this.now = now;
    }

    @Override
    public void register(Router router) {
        router.route(HttpMethod.POST, "/switchover").handler(this::switchover);
        router.route(HttpMethod.DELETE, "/switchover").handler(this::cancel);
        router.route(HttpMethod.POST, "/failover").handler(this::failover);
    }

    private void switchover(RoutingContext ctx) {
        JsonObject body = JsonBodies.object(ctx);
        String leader = name(body, "leader").orElseThrow(() -> new BadRequestException("leader is required"));
        Optional<String> candidate = name(body, "candidate").or(() -> name(body, "member"));
        Optional<Instant> scheduledAt = text(body, "scheduled_at").map(ActionRoutes::timestamp);
        FailoverRequest request = FailoverRequest.switchover(leader, candidate, scheduledAt);
        ClusterView view = board.snapshot().view();
        Optional<String> refused = OperatorRequests.refuseSwitchover(view, request, now.get(), board.snapshot().config());
        if (refused.isPresent()) {
            Failures.text(ctx, 412, refused.get());
            return;
        }
        LOG.info("switchover requested over the REST API: from {}{}{}", leader, candidate.map(c -> " to " + c).orElse(""),
                scheduledAt.map(at -> " at " + at).orElse(""));
        blocking(ctx, () -> {
            store.requestFailover(request);
            LOG.info("switchover request recorded in the failover key");
            if (scheduledAt.isPresent()) {
                return new Outcome(202, "switchover from " + leader + " scheduled at " + scheduledAt.get());
            }
            return awaitNewLeader(leader, candidate, "switchover");
        });
    }

    private void failover(RoutingContext ctx) {
        JsonObject body = JsonBodies.object(ctx);
        String candidate = name(body, "candidate").or(() -> name(body, "member"))
                .orElseThrow(() -> new BadRequestException("candidate is required"));
        ClusterView view = board.snapshot().view();
        Optional<String> refused = OperatorRequests.refuseFailover(view, candidate, board.snapshot().config());
        if (refused.isPresent()) {
            Failures.text(ctx, 412, refused.get());
            return;
        }
        String from = view.leader().map(LeaderLock::name).orElse("");
        LOG.info("failover to {} requested over the REST API", candidate);
        blocking(ctx, () -> {
            store.requestFailover(FailoverRequest.failoverTo(candidate));
            return awaitNewLeader(from, Optional.of(candidate), "failover");
        });
    }

    private void cancel(RoutingContext ctx) {
        Optional<FailoverRequest> pending = board.snapshot().view().failover().filter(r -> r.scheduledAt().isPresent());
        if (pending.isEmpty()) {
            Failures.text(ctx, 404, "no scheduled switchover");
            return;
        }
        blocking(ctx, () -> {
            store.clearFailover();
            LOG.info("scheduled switchover at {} cancelled over the REST API", pending.get().scheduledAt().get());
            return new Outcome(200, "scheduled switchover at " + pending.get().scheduledAt().get() + " cancelled");
        });
    }

    private record Outcome(int code, String message) {
    }

    /** Waits (bounded: two ttls and a margin) until a leader other than {@code from} holds the key. */
    private Outcome awaitNewLeader(String from, Optional<String> candidate, String kind) throws InterruptedException {
        long deadline = System.nanoTime() + board.snapshot().config().ttlDuration().multipliedBy(2).plusSeconds(10).toNanos();
        boolean seenRequest = false;
        while (System.nanoTime() < deadline) {
            ClusterView view = board.snapshot().view();
            Optional<String> leader = view.leader().map(LeaderLock::name);
            seenRequest |= view.failover().isPresent();
            // done once the new leader says it runs as the primary, not merely holds the key
            boolean writable = view.leaderMember().map(m -> m.role() == Role.PRIMARY).orElse(false);
            if (leader.isPresent() && !leader.get().equals(from) && candidate.map(leader.get()::equals).orElse(true) && writable) {
                return new Outcome(200, "Successfully " + (kind.equals("switchover") ? "switched over" : "failed over")
                        + " to " + leader.get());
            }
            if (seenRequest && view.failover().isEmpty() && leader.filter(from::equals).isPresent()) {
                return new Outcome(503, kind + " failed: the leader " + from + " dropped the request (the reason is in its log)");
            }
            Thread.sleep(POLL.toMillis());
        }
        return new Outcome(503, kind + " did not complete in time; the request stays in the failover key until it is carried"
                + " out or dropped");
    }

    private static void blocking(RoutingContext ctx, Callable<Outcome> work) {
        ctx.vertx().executeBlocking(work, false).onComplete(result -> {
            if (result.succeeded()) {
                LOG.info("{} {}: {} {}", ctx.request().method(), ctx.request().path(), result.result().code(), result.result().message());
                Failures.text(ctx, result.result().code(), result.result().message());
            } else {
                ctx.fail(result.cause());
            }
        });
    }

    private static Optional<String> name(JsonObject body, String field) {
        return text(body, field).filter(value -> !value.isBlank());
    }

    private static Optional<String> text(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw new BadRequestException(field + " must be a string");
        }
        return Optional.of(text);
    }

    private static Instant timestamp(String text) {
        try {
            return JsonCodec.timestamp(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("scheduled_at: " + e.getMessage());
        }
    }
}
