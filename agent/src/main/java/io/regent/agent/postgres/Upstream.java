package io.regent.agent.postgres;

import java.util.Optional;

/** The PostgreSQL a standby streams from, as host and port. */
public record Upstream(String host, int port) {

    private static final java.util.regex.Pattern CONN_URL =
            java.util.regex.Pattern.compile("postgres(?:ql)?://(?:[^@/]*@)?(\\[[^\\]]+\\]|[^:/?]+)(?::(\\d+))?(?:[/?].*)?");

    /** Reads the host and port out of a member's {@code conn_url} ({@code postgres://host:port/db}). */
    public static Optional<Upstream> fromConnUrl(String connUrl) {
        if (connUrl == null) {
            return Optional.empty();
        }
        java.util.regex.Matcher m = CONN_URL.matcher(connUrl);
        if (!m.matches()) {
            return Optional.empty();
        }
        String host = m.group(1).replace("[", "").replace("]", "");
        int port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
        return port < 1 || port > 65535 ? Optional.empty() : Optional.of(new Upstream(host, port));
    }

    /** Reads host and port out of a libpq keyword/value string ({@code host=… port=… user='…'}). */
    public static Optional<Upstream> fromConninfo(String conninfo) {
        if (conninfo == null || conninfo.isBlank()) {
            return Optional.empty();
        }
        java.util.Map<String, String> values = new java.util.HashMap<>();
        int i = 0;
        int n = conninfo.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(conninfo.charAt(i))) {
                i++;
            }
            int eq = conninfo.indexOf('=', i);
            if (i >= n || eq < 0) {
                break;
            }
            String key = conninfo.substring(i, eq).trim();
            i = eq + 1;
            while (i < n && Character.isWhitespace(conninfo.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && conninfo.charAt(i) == '\'') {
                i++;
                while (i < n && conninfo.charAt(i) != '\'') {
                    if (conninfo.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    value.append(conninfo.charAt(i++));
                }
                i++;
            } else {
                while (i < n && !Character.isWhitespace(conninfo.charAt(i))) {
                    if (conninfo.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    value.append(conninfo.charAt(i++));
                }
            }
            values.put(key, value.toString());
        }
        String host = values.getOrDefault("host", values.get("hostaddr"));
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Upstream(host, Integer.parseInt(values.getOrDefault("port", "5432"))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
