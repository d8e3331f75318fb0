package io.regent.controller.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/** HTTP basic credentials for the agents' unsafe endpoints. {@code toString()} never shows the password. */
public final class BasicAuth {

    private final String username;
    private final String password;

    public BasicAuth(String username, String password) {
        this.username = Objects.requireNonNull(username, "username");
        this.password = Objects.requireNonNull(password, "password");
    }

    public String username() {
        return username;
    }

    /** The {@code Authorization} header value. */
    String header() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return username + ":******";
    }
}
