package io.regent.agent.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regent.common.model.PgState;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class JobRunnerTest {

    private static final Duration BACKOFF = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock();
    private final Semaphore done = new Semaphore(0);
    private final JobRunner jobs = new JobRunner(clock, BACKOFF, done::release);

    @AfterEach
    void close() {
        jobs.close();
    }

    private void awaitDone() throws InterruptedException {
        assertThat(done.tryAcquire(10, TimeUnit.SECONDS)).as("the job's end wakes the loop").isTrue();
    }

    @Test
    void isIdleBeforeAnyJob() {
        assertThat(jobs.current()).isEmpty();
    }

    @Test
    void reportsARunningJobWithItsElapsedTimeAndImpliedStateUntilItEnds() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);

        jobs.submit("clone from node1", PgState.CREATING_REPLICA, () -> {
            started.countDown();
            awaitQuietly(finish);
        });
        started.await();
        clock.advance(Duration.ofSeconds(42));

        assertThat(jobs.current()).hasValueSatisfying(job -> {
            assertThat(job.description()).isEqualTo("clone from node1 in progress");
            assertThat(job.elapsed()).isEqualTo(Duration.ofSeconds(42));
            assertThat(job.impliedState()).isEqualTo(PgState.CREATING_REPLICA);
            assertThat(job.failed()).as("a job in progress is not a back-off").isFalse();
        });
        assertThat(done.availablePermits()).isZero();

        finish.countDown();
        awaitDone();
        assertThat(jobs.current()).isEmpty();
    }

    @Test
    void refusesASecondJobWhileOneRuns() throws InterruptedException {
        CountDownLatch finish = new CountDownLatch(1);
        jobs.submit("clone from node1", PgState.CREATING_REPLICA, () -> awaitQuietly(finish));

        assertThatThrownBy(() -> jobs.submit("start of PostgreSQL", PgState.STARTING, () -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clone from node1")
                .hasMessageContaining("start of PostgreSQL");

        finish.countDown();
        awaitDone();
    }

    @Test
    void backsOffAfterAFailureThenClears() throws InterruptedException {
        jobs.submit("start of PostgreSQL", PgState.STARTING, () -> {
            throw new IllegalStateException("pg_ctl start timed out");
        });
        awaitDone();

        clock.advance(BACKOFF.minusNanos(1));
        assertThat(jobs.current()).hasValueSatisfying(job -> {
            assertThat(job.description()).isEqualTo("backing off after a failed start of PostgreSQL");
            assertThat(job.impliedState()).as("what a failed start leaves behind").isEqualTo(PgState.STOPPED);
            assertThat(job.elapsed()).isEqualTo(BACKOFF.minusNanos(1));
            assertThat(job.failed()).isTrue();
        });

        clock.advance(Duration.ofNanos(1));
        assertThat(jobs.current()).isEmpty();
    }

    @Test
    void acceptsTheNextJobOnceTheBackOffIsOver() throws InterruptedException {
        jobs.submit("clone from node1", PgState.CREATING_REPLICA, () -> {
            throw new IllegalStateException("pg_basebackup failed");
        });
        awaitDone();
        clock.advance(BACKOFF);
        assertThat(jobs.current()).isEmpty();

        CountDownLatch ran = new CountDownLatch(1);
        jobs.submit("clone from node1", PgState.CREATING_REPLICA, ran::countDown);

        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        awaitDone();
        assertThat(jobs.current()).isEmpty();
    }

    @Test
    void acceptsAJobDuringTheBackOffWhichThenReplacesIt() throws InterruptedException {
        jobs.submit("restart of the leader's PostgreSQL", PgState.STARTING, () -> {
            throw new IllegalStateException("pg_ctl start timed out");
        });
        awaitDone();
        clock.advance(Duration.ofSeconds(1));
        assertThat(jobs.current()).hasValueSatisfying(job -> assertThat(job.failed()).isTrue());

        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        jobs.submit("restart as a standby", PgState.STARTING, () -> {
            started.countDown();
            awaitQuietly(finish);
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(jobs.current()).hasValueSatisfying(job -> {
            assertThat(job.description()).isEqualTo("restart as a standby in progress");
            assertThat(job.elapsed()).as("timed from its own submission").isZero();
            assertThat(job.failed()).isFalse();
        });
        finish.countDown();
        awaitDone();
        assertThat(jobs.current()).as("the success leaves no trace of the earlier back-off").isEmpty();
    }

    @Test
    void refusesASecondJobWhileTheOneSubmittedDuringABackOffRuns() throws InterruptedException {
        jobs.submit("start of PostgreSQL", PgState.STARTING, () -> {
            throw new IllegalStateException("pg_ctl start failed");
        });
        awaitDone();
        CountDownLatch finish = new CountDownLatch(1);
        jobs.submit("restart as a standby", PgState.STARTING, () -> awaitQuietly(finish));

        assertThatThrownBy(() -> jobs.submit("clone from node1", PgState.CREATING_REPLICA, () -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("restart as a standby")
                .hasMessageContaining("clone from node1");

        finish.countDown();
        awaitDone();
    }

    @Test
    void aSuccessfulJobLeavesNoBackOff() throws InterruptedException {
        jobs.submit("start of PostgreSQL", PgState.STARTING, () -> { });
        awaitDone();

        assertThat(jobs.current()).isEmpty();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
