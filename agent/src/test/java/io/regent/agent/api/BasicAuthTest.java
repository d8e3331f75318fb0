package io.regent.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.config.Credentials;
import io.regent.common.config.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BasicAuthTest {

    private final BasicAuth auth = new BasicAuth(new Credentials("admin", Secret.of("pä:ss")));

    private static String header(String scheme, String userPass) {
        return scheme + " " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void accepts_exactly_the_configured_username_and_password() {
        assertThat(auth.accepts(header("Basic", "admin:pä:ss"))).isTrue();
        assertThat(auth.accepts(header("basic", "admin:pä:ss"))).as("the scheme is case-insensitive").isTrue();
    }

    @Test
    void refuses_anything_else() {
        assertThat(auth.accepts(null)).isFalse();
        assertThat(auth.accepts("")).isFalse();
        assertThat(auth.accepts("Basic")).isFalse();
        assertThat(auth.accepts("Basic %%%")).isFalse();
        assertThat(auth.accepts(header("Bearer", "admin:pä:ss"))).isFalse();
        assertThat(auth.accepts(header("Basic", "admin:pä:s"))).isFalse();
        assertThat(auth.accepts(header("Basic", "admin:pä:ss "))).isFalse();
        assertThat(auth.accepts(header("Basic", "Admin:pä:ss"))).isFalse();
        assertThat(auth.accepts(header("Basic", "admin"))).isFalse();
    }
}
