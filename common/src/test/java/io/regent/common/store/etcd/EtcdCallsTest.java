package io.regent.common.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.regent.common.store.StoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The retry of idempotent calls: the next attempt goes to the next member, within the one timeout. */
@Timeout(10)
class EtcdCallsTest {

    private static final Duration TIMEOUT = Duration.ofMillis(2000);

    @Test
    void anAttemptThatHangsIsAbandonedAfterAQuarterOfTheTimeoutAndTheNextOneAnswers() {
        AtomicInteger attempts = new AtomicInteger();
        long started = System.nanoTime();

        String answer = EtcdCalls.awaitRetrying("read", () -> attempts.incrementAndGet() == 1
                ? new CompletableFuture<>() : CompletableFuture.completedFuture("value"), TIMEOUT);

        assertThat(answer).isEqualTo("value");
        assertThat(attempts).hasValue(2);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT);
    }

    @Test
    void aSlowButHealthyAnswerToAnEarlierAttemptStillCounts() {
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<String> slow = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(1200, java.util.concurrent.TimeUnit.MILLISECONDS).execute(() -> slow.complete("slow"));

        String answer = EtcdCalls.awaitRetrying("grant lease", () -> attempts.incrementAndGet() == 1 ? slow
                : new CompletableFuture<>(), TIMEOUT);

        assertThat(answer).isEqualTo("slow");
        assertThat(attempts.get()).as("attempts sent while the first was slow").isBetween(2, 4);
    }

    @Test
    void anUnavailableMemberIsSkippedAtOnce() {
        AtomicInteger attempts = new AtomicInteger();

        String answer = EtcdCalls.awaitRetrying("read", () -> attempts.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException())
                : CompletableFuture.completedFuture("value"), TIMEOUT);

        assertThat(answer).isEqualTo("value");
        assertThat(attempts).hasValue(2);
    }

    @Test
    void anyOtherErrorIsReportedWithoutRetry() {
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> EtcdCalls.awaitRetrying("keep lease alive", () -> {
            attempts.incrementAndGet();
            return CompletableFuture.failedFuture(Status.NOT_FOUND.withDescription("requested lease not found").asRuntimeException());
        }, TIMEOUT)).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("keep lease alive")
                .hasMessageContaining("lease not found");
        assertThat(attempts).hasValue(1);
    }

    @Test
    void noAnswerWithinTheWholeTimeoutFailsOnceItIsSpent() {
        long started = System.nanoTime();

        assertThatThrownBy(() -> EtcdCalls.awaitRetrying("read", CompletableFuture::new, TIMEOUT))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("did not answer within 2000 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(TIMEOUT).isLessThan(TIMEOUT.multipliedBy(2));
    }
}
