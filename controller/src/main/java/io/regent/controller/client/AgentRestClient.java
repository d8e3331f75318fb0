package io.regent.controller.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.time.Duration;
import java.util.Optional;

/**
 * The agents' action endpoints (Patroni-compatible): {@code POST /switchover}, {@code DELETE /switchover},
 * {@code POST /failover}, {@code /restart}, {@code /reinitialize}, {@code /reload}. One request per call,
 * no retry (an action is not idempotent); basic auth on every request when credentials are given.
 */
public final class AgentRestClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Optional<BasicAuth> auth;
    private HttpClient plain;
    private HttpClient tls;

    /**
     * @param requestTimeout how long to wait for the answer: the agents wait for the outcome of an
     *                       action before they answer, so this is much longer than the connect timeout
     */
    public AgentRestClient(Duration connectTimeout, Duration requestTimeout, Optional<BasicAuth> auth) {
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.auth = auth;
    }

    /** {@code body} null: a POST without a body ({@code /reload}). */
    public AgentResponse post(String apiUrl, String path, JsonNode body) throws AgentUnreachableException {
        return send(apiUrl, path, "POST", body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json(body)));
    }

    public AgentResponse delete(String apiUrl, String path) throws AgentUnreachableException {
        return send(apiUrl, path, "DELETE", HttpRequest.BodyPublishers.noBody());
    }

    /**
     * The endpoint on a member's published {@code api_url}. Patroni publishes {@code http://host:8008/patroni};
     * only the scheme and authority count.
     *
     * @throws IllegalArgumentException when {@code apiUrl} is not an http(s) URL
     */
    public static URI endpoint(String apiUrl, String path) {
        try {
            URI base = new URI(apiUrl.strip());
            if (base.getScheme() == null || !base.getScheme().matches("https?") || base.getRawAuthority() == null) {
                throw new IllegalArgumentException("not an http(s) URL: " + apiUrl);
            }
            return new URI(base.getScheme(), base.getRawAuthority(), path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not an http(s) URL: " + apiUrl);
        }
    }

    /**
     * For plain http, a client whose TLS context trusts nothing: the JDK's default context loads and parses
     * the whole CA store even when no TLS is ever used, which cost regentctl seconds per command.
     */
    private synchronized HttpClient client(URI uri) {
        boolean https = "https".equals(uri.getScheme());
        if (https && tls == null) {
            tls = builder().build();
        }
        if (!https && plain == null) {
            try {
                SSLContext none = SSLContext.getInstance("TLS");
                none.init(null, new TrustManager[0], null);
                plain = builder().sslContext(none).build();
            } catch (GeneralSecurityException e) {
                plain = builder().build();
            }
        }
        return https ? tls : plain;
    }

    private HttpClient.Builder builder() {
        // HTTP/1.1, as curl and HAProxy speak to the agent: the JDK's default asks a plain-http server to upgrade
        // to h2c on the first request, and Vert.x left a POST answered with an error during that upgrade hanging
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
    }

    private AgentResponse send(String apiUrl, String path, String method, HttpRequest.BodyPublisher body)
            throws AgentUnreachableException {
        URI uri;
        try {
            uri = endpoint(apiUrl, path);
        } catch (IllegalArgumentException e) {
            throw new AgentUnreachableException(e.getMessage(), e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/plain")
                .method(method, body);
        auth.ifPresent(credentials -> request.header("Authorization", credentials.header()));
        try {
            HttpResponse<String> response = client(uri).send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new AgentResponse(response.statusCode(), response.body());
        } catch (HttpTimeoutException e) {
            throw new AgentUnreachableException(method + " " + uri + ": no answer within "
                    + requestTimeout.toSeconds() + " s", e);
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof java.net.ConnectException) {
                reason = "connection refused";
            }
            throw new AgentUnreachableException(method + " " + uri + ": " + reason, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentUnreachableException(method + " " + uri + ": interrupted", e);
        }
    }

    private static String json(JsonNode body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
