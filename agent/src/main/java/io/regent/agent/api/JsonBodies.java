package io.regent.agent.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;

/**
 * Request bodies of the unsafe endpoints. {@link RestServer} reads bodies of unsafe methods up to
 * {@link #MAX_BYTES} (a larger one is a 400); handlers take the parsed object from here and let a
 * {@link BadRequestException} propagate: {@link Failures} turns it into a 400 with its message.
 */
final class JsonBodies {

    /** The largest body an unsafe request may carry; action requests are a few hundred bytes. */
    static final long MAX_BYTES = 64 * 1024;

    private JsonBodies() {
    }

    /** The body as a JSON object; an empty body is an empty object (Patroni accepts {@code POST /restart} without one). */
    static JsonObject objectOrEmpty(RoutingContext ctx) {
        RequestBody body = ctx.body();
        if (body == null || body.isEmpty()) {
            return new JsonObject();
        }
        return object(body.buffer());
    }

    /** The body as a JSON object; an empty or non-object body is a {@link BadRequestException}. */
    static JsonObject object(RoutingContext ctx) {
        RequestBody body = ctx.body();
        if (body == null || body.isEmpty()) {
            throw new BadRequestException("a JSON object is required as the request body");
        }
        return object(body.buffer());
    }

    static JsonObject object(Buffer buffer) {
        Object value;
        try {
            value = Json.decodeValue(buffer);
        } catch (DecodeException e) {
            throw new BadRequestException("malformed JSON body: " + firstLine(e.getMessage()));
        }
        if (!(value instanceof JsonObject object)) {
            throw new BadRequestException("the request body must be a JSON object");
        }
        return object;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "cannot parse";
        }
        int end = message.indexOf('\n');
        String line = end < 0 ? message : message.substring(0, end);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
