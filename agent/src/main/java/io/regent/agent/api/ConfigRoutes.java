package io.regent.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regent.common.store.ClusterAdmin;
import io.regent.common.store.MergePatch;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PATCH /config}: a JSON merge patch (RFC 7396) applied to the {@code config} key as read, written
 * back only if the key has not changed since (compare-and-swap on its revision: 409 otherwise), and only
 * if every agent would accept the result (400 with the reason otherwise). 200 with the new config.
 */
final class ConfigRoutes implements Routes {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClusterAdmin admin;

    ConfigRoutes(ClusterAdmin admin) {
        this.admin = admin;
    }

    @Override
    public void register(Router router) {
        router.route(HttpMethod.PATCH, "/config").handler(this::patch);
    }

    private void patch(RoutingContext ctx) {
        JsonNode patch = JSON.valueToTree(JsonBodies.object(ctx).getMap());
        ctx.vertx().executeBlocking(() -> {
            Optional<ClusterAdmin.Versioned> current = admin.readConfig();
            JsonNode base = current.isPresent() ? JSON.readTree(current.get().value()) : JSON.createObjectNode();
            String merged = JSON.writeValueAsString(MergePatch.apply(base, patch));
            OptionalLong written;
            try {
                written = admin.replaceConfig(merged, current.map(ClusterAdmin.Versioned::modRevision).orElse(0L));
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("the patched config would be rejected by the agents: " + e.getMessage());
            }
            if (written.isPresent()) {
                LOG.info("config patched over the REST API: {}", patch);
            }
            // what was written is what the key holds at that revision: no second read
            return written.isPresent() ? Optional.of(merged) : Optional.<String>empty();
        }, false).onComplete(result -> {
            if (result.failed()) {
                ctx.fail(result.cause());
            } else if (result.result().isEmpty()) {
                Failures.text(ctx, 409, "the config key changed while the patch was applied; read it again and retry");
            } else {
                ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(result.result().get());
            }
        });
    }
}
