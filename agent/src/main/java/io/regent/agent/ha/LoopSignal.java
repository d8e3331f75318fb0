package io.regent.agent.ha;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Wakes the HA loop early. Anyone (etcd watch, finished job, REST action) may {@link #wake()}; only
 * the loop {@link #await}s. Several wakes before the loop looks collapse into one cycle.
 */
public final class LoopSignal {

    private final Semaphore permits = new Semaphore(0);

    public void wake() {
        if (permits.availablePermits() == 0) {
            permits.release();
        }
    }

    /** Waits until woken or until {@code timeout}; returns early on interrupt with the flag restored. */
    public void await(Duration timeout) {
        try {
            if (permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                permits.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
