package io.regent.agent.api;

import io.regent.agent.ha.FailsafeCalls;
import io.regent.agent.ha.FailsafeRules;
import io.regent.agent.status.LoopSnapshot;
import io.regent.agent.status.StatusBoard;
import io.regent.common.model.LeaderLock;
import io.regent.common.model.Role;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /failsafe} (Patroni's): a leader that cannot reach etcd asks this member whether it may stay
 * primary. {@code 200 Accepted} unless this member runs as a primary itself or the leader key it last read
 * names another member ({@code 409} with the reason). An accepted call holds this member's election back
 * for {@code ttl} (see {@link FailsafeRules#holdsElectionBack}). Body: {@code {"name", "conn_url", "api_url"}}.
 */
final class FailsafeRoutes implements Routes {

    private static final Logger LOG = LoggerFactory.getLogger(FailsafeRoutes.class);
    static final String ACCEPTED = "Accepted";

    private final StatusBoard board;
    private final FailsafeCalls calls;

    FailsafeRoutes(StatusBoard board, FailsafeCalls calls) {
        this.board = board;
        this.calls = calls;
    }

    @Override
    public void register(Router router) {
        router.route(HttpMethod.POST, "/failsafe").handler(this::confirm);
    }

    private void confirm(RoutingContext ctx) {
        JsonObject body = JsonBodies.object(ctx);
        FailsafeRules.Call call = new FailsafeRules.Call(text(body, "name", true), text(body, "conn_url", false),
                text(body, "api_url", false));
        LoopSnapshot snapshot = board.snapshot();
        Optional<String> refusal = FailsafeRules.refusal(call, snapshot.status().name(),
                snapshot.status().role() == Role.PRIMARY, snapshot.view().leader().map(LeaderLock::name));
        if (refusal.isPresent()) {
            LOG.warn("refused the failsafe call of {}: {}", call.name(), refusal.get());
            Failures.text(ctx, 409, refusal.get());
            return;
        }
        calls.accepted(call);
        LOG.debug("accepted the failsafe call of {}", call.name());
        Failures.text(ctx, 200, ACCEPTED);
    }

    private static String text(JsonObject body, String field, boolean required) {
        Object value = body.getValue(field);
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof String text) || text.isBlank()) {
            throw new BadRequestException(field + ": must be a non-empty string");
        }
        return text;
    }
}
