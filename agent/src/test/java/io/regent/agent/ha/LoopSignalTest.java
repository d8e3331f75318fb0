package io.regent.agent.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LoopSignalTest {

    private static final Duration LONG = Duration.ofSeconds(20);
    private static final Duration SHORT = Duration.ofMillis(100);

    private final LoopSignal signal = new LoopSignal();

    private static Duration timed(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void waitsTheFullTimeoutWhenNobodyWakesIt() {
        Duration waited = timed(() -> signal.await(SHORT));

        assertThat(waited).isGreaterThanOrEqualTo(SHORT.minusMillis(5));
    }

    @Test
    void aWakeBeforeTheWaitIsNotLost() {
        signal.wake();

        assertThat(timed(() -> signal.await(LONG))).isLessThan(LONG.dividedBy(2));
    }

    @Test
    void aWakeDuringTheWaitEndsItEarly() throws InterruptedException {
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicLong waitedNanos = new AtomicLong(-1);
        Thread loop = new Thread(() -> {
            waiting.countDown();
            waitedNanos.set(timed(() -> signal.await(LONG)).toNanos());
        });
        loop.start();
        waiting.await();

        signal.wake();
        loop.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(loop.isAlive()).isFalse();
        assertThat(Duration.ofNanos(waitedNanos.get())).isLessThan(LONG.dividedBy(2));
    }

    @Test
    void severalWakesBeforeTheLoopLooksCollapseIntoOneCycle() {
        signal.wake();
        signal.wake();
        signal.wake();

        assertThat(timed(() -> signal.await(LONG))).as("first wait: woken").isLessThan(LONG.dividedBy(2));
        assertThat(timed(() -> signal.await(SHORT))).as("second wait: nothing left").isGreaterThanOrEqualTo(SHORT.minusMillis(5));
    }

    @Test
    void anInterruptEndsTheWaitAndKeepsTheInterruptFlag() throws InterruptedException {
        AtomicLong waitedNanos = new AtomicLong(-1);
        CountDownLatch flagKept = new CountDownLatch(1);
        Thread loop = new Thread(() -> {
            waitedNanos.set(timed(() -> signal.await(LONG)).toNanos());
            if (Thread.currentThread().isInterrupted()) {
                flagKept.countDown();
            }
        });
        loop.start();

        loop.interrupt();
        loop.join(TimeUnit.SECONDS.toMillis(10));

        assertThat(flagKept.getCount()).as("interrupt flag restored").isZero();
        assertThat(Duration.ofNanos(waitedNanos.get())).isLessThan(LONG.dividedBy(2));
    }
}
