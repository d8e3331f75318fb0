package io.regent.common.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A {@code host:port} pair as written in the configuration ({@code 127.0.0.1:5432}, {@code [::1]:8008}). */
public record HostPort(String host, int port) {

    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535 (got " + port + ")");
        }
    }

    @JsonCreator
    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected host:port (got '" + text + "')");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") || host.endsWith("]")) {
            if (!(host.startsWith("[") && host.endsWith("]")) || host.length() < 3) {
                throw new IllegalArgumentException("unbalanced brackets in '" + text + "' (IPv6: [::1]:8008)");
            }
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("an IPv6 address needs brackets: [" + host + "]:port (got '" + text + "')");
        }
        String portText = text.substring(colon + 1);
        if (!portText.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("port is not a number in '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number in '" + text + "'");
        }
        return new HostPort(host, port);
    }

    @JsonValue
    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
