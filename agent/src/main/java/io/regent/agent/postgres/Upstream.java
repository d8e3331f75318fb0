package io.regent.agent.postgres;

import java.net.URI;
import java.util.Optional;

/** The PostgreSQL a standby streams from, as host and port. */
public record Upstream(String host, int port) {

    /** Reads the host and port out of a member's {@code conn_url} ({@code postgres://host:port/db}). */
    public static Optional<Upstream> fromConnUrl(String connUrl) {
        if (connUrl == null) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(connUrl);
            if (uri.getHost() == null) {
                return Optional.empty();
            }
            return Optional.of(new Upstream(uri.getHost().replace("[", "").replace("]", ""),
                    uri.getPort() < 0 ? 5432 : uri.getPort()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Reads host and port out of a libpq keyword/value string ({@code host=… port=… user=…}). */
    public static Optional<Upstream> fromConninfo(String conninfo) {
        if (conninfo == null || conninfo.isBlank()) {
            return Optional.empty();
        }
        String host = null;
        int port = 5432;
        for (String pair : conninfo.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = pair.substring(0, eq);
            String value = pair.substring(eq + 1).replace("'", "");
            if (key.equals("host") || key.equals("hostaddr")) {
                host = value;
            } else if (key.equals("port")) {
                try {
                    port = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return host == null ? Optional.empty() : Optional.of(new Upstream(host, port));
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
