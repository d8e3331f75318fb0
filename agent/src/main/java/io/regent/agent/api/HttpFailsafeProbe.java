package io.regent.agent.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.regent.agent.ha.FailsafeInput;
import io.regent.agent.ha.FailsafeProbe;
import io.regent.agent.ha.FailsafeRules;
import io.regent.common.config.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /failsafe} to every member at once over java.net.http, with this node's own REST API
 * credentials (Patroni's members share them). A member that answers anything but {@code 200 Accepted}
 * within the timeout did not accept.
 */
public final class HttpFailsafeProbe implements FailsafeProbe {

    private static final Logger LOG = LoggerFactory.getLogger(HttpFailsafeProbe.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final Optional<String> authorization;

    public HttpFailsafeProbe(Optional<Credentials> credentials) {
        // HTTP/1.1: the JDK client's h2c upgrade attempt on a POST left Vert.x's non-200 answers hanging
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        this.authorization = credentials.map(c -> "Basic " + Base64.getEncoder().encodeToString(
                (c.username() + ":" + c.password().reveal()).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public FailsafeInput.Confirmation confirm(Map<String, String> apiUrls, FailsafeRules.Call call, Duration timeout) {
        String body = body(call);
        Map<String, CompletableFuture<String>> answers = new LinkedHashMap<>();
        apiUrls.forEach((member, apiUrl) -> answers.put(member, ask(apiUrl, body, timeout)));
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> notAccepted = new TreeMap<>();
        answers.forEach((member, answer) -> {
            String refusal;
            try {
                refusal = answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                refusal = "interrupted";
            } catch (java.util.concurrent.TimeoutException e) {
                answer.cancel(true);
                refusal = "no answer within " + timeout.toMillis() + " ms";
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                refusal = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            }
            if (refusal != null) {
                notAccepted.put(member, refusal);
                LOG.warn("failsafe: {} did not accept this leader: {}", member, refusal);
            }
        });
        return new FailsafeInput.Confirmation(apiUrls.keySet(), notAccepted);
    }

    /** Completes with null when the member accepted, else with why not. */
    private CompletableFuture<String> ask(String apiUrl, String body, Duration timeout) {
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(apiUrl).resolve("/failsafe")).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture("invalid REST API URL " + apiUrl);
        }
        authorization.ifPresent(value -> request.header("Authorization", value));
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            String text = response.body() == null ? "" : response.body().trim();
            return response.statusCode() == 200 && FailsafeRoutes.ACCEPTED.equals(text) ? null
                    : "answered " + response.statusCode() + (text.isEmpty() ? "" : ": " + firstLine(text));
        });
    }

    private static String body(FailsafeRules.Call call) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", call.name());
        fields.put("conn_url", call.connUrl());
        fields.put("api_url", call.apiUrl());
        try {
            return JSON.writeValueAsString(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        String line = newline < 0 ? text : text.substring(0, newline);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
