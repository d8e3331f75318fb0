package io.regent.tests.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.store.ClusterStore;
import io.regent.common.store.StoreUnavailableException;
import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.Timing;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an agent's etcd client does when one of three etcd members dies (SIGKILL) or hangs (SIGSTOP:
 * connections stay open, nothing answers — a member cut off by the network looks the same). The
 * HA loop treats one failed call as "etcd unreachable" and a leader then demotes, so with two
 * healthy members left no call may fail, and none may block for long. Each member in turn is
 * killed: whichever one the client's watch stream and lease calls were on is hit once.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class EtcdMemberLossStoreIT {

    private static final Duration TTL = Duration.ofSeconds(10);
    /** How long each fault is watched: past gRPC's keepalive detection of a dead connection. */
    private static final Duration OBSERVE = Duration.ofSeconds(12);
    /** A leader renews at the start of each cycle: a cycle this long still leaves half the lease for the next. */
    private static final Duration BLOCKED_AT_MOST = TTL.dividedBy(2);

    @RegisterExtension
    static final EtcdServerExtension etcd = EtcdServerExtension.builder().withNodes(3).build();

    @Test
    void noCallFailsAndNoneBlocksLongWhenOneMemberIsKilledOrHangs() throws Exception {
        try (Stores stores = new Stores(etcd)) {
            ClusterStore agent = stores.open("node1", TTL);
            ClusterStore other = stores.open("node2", TTL);
            // a freshly started etcd on a loaded machine may take a few seconds to grant the first lease: that is
            // set-up, not the fault under test
            awaitStore(() -> {
                agent.keepAlive();
                other.keepAlive();
                agent.publishMember(Stores.member("node1"));
            });
            AtomicLong lastChange = new AtomicLong();
            try (AutoCloseable watch = agent.watch(change -> lastChange.set(System.nanoTime()))) {
                for (int member = 0; member < etcd.size(); member++) {
                    int victim = member;
                    Cycles killed = observe(agent, () -> etcd.killMember(victim));
                    report("member " + victim + " killed", killed);
                    assertThat(killed.failures).as("calls failing with member " + victim + " killed").isEmpty();
                    assertThat(killed.longest()).as("longest cycle with member " + victim + " killed").isLessThan(BLOCKED_AT_MOST);
                    assertWatchDelivers(other, lastChange, "member " + victim + " killed");
                    etcd.startMember(victim);
                    etcd.awaitHealthy(Duration.ofSeconds(30));
                }
                Cycles paused = observe(agent, () -> etcd.pauseMember(0));
                try {
                    report("member 0 hung", paused);
                    assertThat(paused.failures).as("calls failing with member 0 hung").isEmpty();
                    assertThat(paused.longest()).as("longest cycle with member 0 hung").isLessThan(BLOCKED_AT_MOST);
                    assertWatchDelivers(other, lastChange, "member 0 hung");
                } finally {
                    etcd.resumeMember(0);
                }
            }
        }
    }

    private static void awaitStore(Runnable calls) {
        long deadline = System.nanoTime() + Timing.seconds(30).toNanos();
        while (true) {
            try {
                calls.run();
                return;
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
        }
    }

    /** The loop's etcd calls (keepalive, snapshot read, member publish) every 200 ms, during {@link #OBSERVE}. */
    private static Cycles observe(ClusterStore store, Runnable fault) {
        Cycles cycles = new Cycles();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread loop = new Thread(() -> {
            while (running.get()) {
                long started = System.nanoTime();
                try {
                    store.keepAlive();
                    store.load();
                    store.publishMember(Stores.member("node1"));
                } catch (StoreUnavailableException e) {
                    cycles.failures.add(e.getMessage());
                }
                cycles.durations.add(Duration.ofNanos(System.nanoTime() - started));
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            }
        }, "observed-loop");
        loop.start();
        LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        fault.run();
        LockSupport.parkNanos(OBSERVE.toNanos());
        running.set(false);
        try {
            loop.join(Timing.seconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return cycles;
    }

    private static void assertWatchDelivers(ClusterStore writer, AtomicLong lastChange, String fault) {
        writer.keepAlive();
        long written = System.nanoTime();
        writer.publishMember(Stores.member("node2"));
        long deadline = written + Timing.seconds(5).toNanos();
        while (lastChange.get() - written < 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        assertThat(lastChange.get() - written).as("watch notified of a change with " + fault).isPositive();
        System.out.printf("MEASURED etcd member loss: %s: write -> watch notification = %d ms%n", fault,
                Duration.ofNanos(lastChange.get() - written).toMillis());
    }

    private static void report(String fault, Cycles cycles) {
        Duration longest = cycles.longest();
        System.out.printf("MEASURED etcd member loss: %s: longest cycle (keepalive + read + publish) = %d ms over %d cycles,"
                + " %d failed%n", fault, longest.toMillis(), cycles.durations.size(), cycles.failures.size());
        cycles.failures.forEach(f -> System.out.println("  failed: " + f));
    }

    private static final class Cycles {
        final List<Duration> durations = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();

        Duration longest() {
            return durations.stream().max(Duration::compareTo).orElse(Duration.ZERO);
        }
    }
}
