package io.regent.agent.api;

import io.regent.common.config.Credentials;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP basic authentication for unsafe methods (POST, PUT, PATCH, DELETE), installed before every other
 * route so an unauthenticated unsafe request gets 401 whatever its path: it learns nothing about which
 * paths or methods exist. Safe methods (the health checks, the status documents) stay open, as in
 * Patroni. The comparison is on SHA-256 digests with {@link MessageDigest#isEqual}, so its time does
 * not depend on how much of the credentials was right, nor on their length. The password is never logged.
 */
final class BasicAuth implements Handler<RoutingContext> {

    static final Set<HttpMethod> UNSAFE = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
    static final String CHALLENGE = "Basic realm=\"regent\", charset=\"UTF-8\"";

    private static final Logger LOG = LoggerFactory.getLogger(BasicAuth.class);
    private static final String SCHEME = "basic ";

    private final byte[] expected;

    BasicAuth(Credentials credentials) {
        this.expected = sha256(credentials.username() + ":" + credentials.password().reveal());
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (!UNSAFE.contains(ctx.request().method()) || accepts(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
            ctx.next();
            return;
        }
        LOG.debug("refused {} {} from {}: missing or wrong credentials", ctx.request().method(), ctx.request().path(),
                ctx.request().remoteAddress());
        ctx.response().putHeader("WWW-Authenticate", CHALLENGE);
        Failures.text(ctx, 401, "authentication required");
    }

    /** True when {@code header} is {@code Basic base64(username:password)} with the configured credentials. */
    boolean accepts(String header) {
        if (header == null || header.length() < SCHEME.length()
                || !header.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return false;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(header.substring(SCHEME.length()).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, sha256(decoded));
    }

    private static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
