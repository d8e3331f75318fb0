package io.regent.common.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.regent.common.store.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** The boundary where a jetcd call becomes a bounded, blocking one whose failures are {@link StoreUnavailableException}s. */
final class EtcdCalls {

    private static final int ATTEMPTS = 4;
    private static final Duration MIN_ATTEMPT = Duration.ofMillis(500);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(50);

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

    /**
     * An idempotent call (a read, a lease keepalive, a plain put), sent again while {@code timeout} lasts
     * when no attempt has answered within a quarter of it (the earlier attempts stay in flight: the first
     * answer wins) or the member an attempt reached is unavailable. jetcd
     * spreads calls over the endpoints round-robin and keeps sending every third one to a member that hangs
     * (SIGSTOP, or cut off by the network: its connection stays open): without the retry each such call
     * waited the whole timeout and failed, and one failed call makes a leader demote. The next attempt goes
     * to the next member. Calls whose outcome matters when unknown (compare-and-swap transactions) must
     * not come here: a retry after a lost answer would report a write that happened as refused. Four
     * attempts, not three: when the member that hangs is etcd's raft leader, the others stall until they
     * have elected another (about a second, more under load), and an attempt sent in that window is lost
     * too; with three, one run lost its whole budget to the election plus the rotation back to the hung member.
     */
    static <T> T awaitRetrying(String what, Supplier<CompletableFuture<T>> call, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long attemptNanos = Math.max(MIN_ATTEMPT.toNanos(), timeout.toNanos() / ATTEMPTS);
        // attempts are hedged, not abandoned: a slow but healthy member may still answer the first one
        List<CompletableFuture<T>> inFlight = new ArrayList<>();
        StoreUnavailableException last = null;
        long nextAttemptAt = System.nanoTime();
        try {
            while (true) {
                long now = System.nanoTime();
                if (deadline - now <= 0) {
                    throw last != null ? last
                            : new StoreUnavailableException(what + ": etcd did not answer within " + timeout.toMillis() + " ms", null);
                }
                if (now - nextAttemptAt >= 0) {
                    inFlight.add(call.get());
                    nextAttemptAt = now + attemptNanos;
                }
                try {
                    CompletableFuture.anyOf(inFlight.toArray(CompletableFuture[]::new))
                            .get(Math.max(0, Math.min(nextAttemptAt, deadline) - now), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailableException(what + ": interrupted", e);
                } catch (TimeoutException | ExecutionException e) {
                    // nothing answered in this slice, or one failed: looked at below
                }
                for (Iterator<CompletableFuture<T>> it = inFlight.iterator(); it.hasNext(); ) {
                    CompletableFuture<T> attempt = it.next();
                    if (!attempt.isDone()) {
                        continue;
                    }
                    it.remove();
                    try {
                        return attempt.join();
                    } catch (CompletionException | CancellationException e) {
                        Throwable cause = e.getCause() == null ? e : e.getCause();
                        StoreUnavailableException failure = new StoreUnavailableException(what + ": " + cause.getMessage(), cause);
                        if (!isUnavailable(cause)) {
                            throw failure;
                        }
                        last = failure;
                        // a refused connection answers at once: try the next member soon, without spinning
                        nextAttemptAt = Math.min(nextAttemptAt, System.nanoTime() + RETRY_PAUSE.toNanos());
                    }
                }
            }
        } finally {
            inFlight.forEach(attempt -> attempt.cancel(true));
        }
    }

    private static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.UNAVAILABLE
                    || Status.fromThrowable(t).getCode() == Status.Code.UNAVAILABLE) {
                return true;
            }
        }
        return false;
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
