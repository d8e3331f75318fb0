package io.regent.agent.api;

import io.vertx.core.MultiMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The filters a health check accepts in its query string, as Patroni's: {@code lag=<size>} (the most a
 * standby may be behind the cluster's last leader position) and {@code tag_<key>=<value>} (the member's
 * tags must hold these values). Other parameters are ignored, as Patroni ignores them.
 */
record HealthQuery(Optional<Long> maxLagBytes, Map<String, String> tags) {

    static final HealthQuery NONE = new HealthQuery(Optional.empty(), Map.of());

    HealthQuery {
        tags = Map.copyOf(tags);
    }

    /** Throws {@link BadRequestException} naming the parameter when a value cannot be understood. */
    static HealthQuery parse(MultiMap params) {
        Optional<Long> lag = Optional.empty();
        String lagText = params.get("lag");
        if (lagText != null) {
            try {
                lag = Optional.of(ByteSize.parse(lagText));
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("lag: " + e.getMessage());
            }
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (Map.Entry<String, String> param : params.entries()) {
            if (param.getKey().startsWith("tag_")) {
                String key = param.getKey().substring(4);
                if (key.isEmpty()) {
                    throw new BadRequestException("tag_: a tag filter needs a tag name, e.g. tag_location=dc1");
                }
                tags.put(key, param.getValue());
            }
        }
        return new HealthQuery(lag, tags);
    }
}
