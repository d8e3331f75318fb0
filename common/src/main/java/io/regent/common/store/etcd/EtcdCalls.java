package io.regent.common.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.regent.common.store.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The boundary where a jetcd call becomes a bounded, blocking one whose failures are {@link StoreUnavailableException}s. */
final class EtcdCalls {

    private EtcdCalls() {
    }

    static <T> T await(String what, CompletableFuture<T> future, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new StoreUnavailableException(what + ": interrupted", e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StoreUnavailableException(what + ": etcd did not answer within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new StoreUnavailableException(what + ": " + cause.getMessage(), cause);
        }
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
