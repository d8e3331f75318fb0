package io.regent.agent.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the API answers what went wrong: a bad request is a 400 with its message (an oversized body too:
 * the caller must fix the request either way), an unknown path 404, a known path with another method
 * 405, a handler's deliberate {@code ctx.fail(new HttpException(code, message))} that code and message,
 * and anything unexpected a 500 with a short message, logged once with its stack trace. No answer ever
 * carries a stack trace.
 */
final class Failures {

    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    private Failures() {
    }

    /** The router's failure handler, for every route. */
    static void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (ctx.response().ended()) {
            LOG.debug("{} {} failed after its answer was sent", ctx.request().method(), ctx.request().path(), failure);
            return;
        }
        if (ctx.response().headWritten()) {
            // the status is on the wire already: all that is left is to end the answer
            LOG.error("{} {} failed while answering", ctx.request().method(), ctx.request().path(), failure);
            ctx.response().end();
            return;
        }
        if (failure instanceof BadRequestException) {
            text(ctx, 400, failure.getMessage());
            return;
        }
        if (failure == null || failure instanceof HttpException) {
            // a deliberate ctx.fail(code): the handler chose the answer
            int code = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
            String payload = failure instanceof HttpException http ? http.getPayload() : null;
            if (code == 413) {
                text(ctx, 400, "request body larger than " + JsonBodies.MAX_BYTES + " bytes");
            } else if (code >= 400 && code < 600) {
                text(ctx, code, payload != null && !payload.isBlank() ? payload : messageFor(code));
            } else {
                text(ctx, 500, messageFor(500));
            }
            return;
        }
        LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
        text(ctx, 500, "internal error: " + failure.getClass().getSimpleName() + " (details in the agent's log)");
    }

    static String messageFor(int code) {
        return switch (code) {
            case 401 -> "authentication required";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 500 -> "internal error (details in the agent's log)";
            default -> "request failed (" + code + ")";
        };
    }

    /** Ends the exchange with {@code code} and a one-line text body (none for HEAD). */
    static void text(RoutingContext ctx, int code, String message) {
        ctx.response().setStatusCode(code);
        if (ctx.request().method() == HttpMethod.HEAD) {
            ctx.response().end();
        } else {
            ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(message + "\n");
        }
    }
}
