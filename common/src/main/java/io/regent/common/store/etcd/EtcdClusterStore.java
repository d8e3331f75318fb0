package io.regent.common.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.regent.common.config.HaConfig;
import io.regent.common.model.ClusterView;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.SyncState;
import io.regent.common.model.HistoryEntry;
import io.regent.common.model.LeaderLock;
import io.regent.common.model.Lsn;
import io.regent.common.model.Member;
import io.regent.common.store.ClusterStore;
import io.regent.common.store.KeyLayout;
import io.regent.common.store.LeaseStatus;
import io.regent.common.store.StoreUnavailableException;
import io.regent.common.time.MonotonicClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterStore} on etcd v3 through jetcd. Every call is bounded by the request timeout and
 * every failure leaves this class as a {@link StoreUnavailableException}. Not thread-safe for lease
 * handling: the HA loop is its only caller.
 */
final class EtcdClusterStore implements ClusterStore {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdClusterStore.class);
    private static final long NO_LEASE = 0;

    private final Client client;
    private final KeyLayout keys;
    private final String memberName;
    private final Duration ttl;
    private final Duration requestTimeout;
    private final MonotonicClock clock;
    private final ViewDecoder decoder;
    // written by the loop thread, read by the job thread (bootstrap acquires the leader key)
    private volatile long leaseId = NO_LEASE;

    Client client() {
        return client;
    }

    KeyLayout keys() {
        return keys;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    EtcdClusterStore(Client client, KeyLayout keys, String memberName, Duration ttl, Duration requestTimeout,
                     MonotonicClock clock) {
        this.client = client;
        this.keys = keys;
        this.memberName = memberName;
        this.ttl = ttl;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
        this.decoder = new ViewDecoder(keys);
    }

    @Override
    public ClusterView load() {
        GetResponse response = awaitRetrying("read " + keys.prefix(),
                () -> client.getKVClient().get(bytes(keys.prefix()), GetOption.builder().isPrefix(true).build()));
        List<StoredKey> stored = response.getKvs().stream()
                .map(kv -> new StoredKey(string(kv.getKey()), string(kv.getValue()), kv.getModRevision(), kv.getLease()))
                .toList();
        return decoder.decode(response.getHeader().getRevision(), stored);
    }

    @Override
    public LeaseStatus keepAlive() {
        long sentAt = clock.nanos();
        if (leaseId != NO_LEASE) {
            try {
                LeaseKeepAliveResponse response = awaitRetrying("keep lease alive", () -> client.getLeaseClient().keepAliveOnce(leaseId));
                if (response.getTTL() > 0) {
                    return new LeaseStatus(leaseId, sentAt + TimeUnit.SECONDS.toNanos(response.getTTL()), false);
                }
            } catch (StoreUnavailableException e) {
                if (!isLeaseNotFound(e)) {
                    throw e;
                }
            }
            LOG.warn("[{}] lease {} expired in etcd; granting a new one (member and leader keys of the old one are gone)",
                    memberName, Long.toHexString(leaseId));
        }
        sentAt = clock.nanos();
        long granted = awaitRetrying("grant lease", () -> client.getLeaseClient().grant(ttl.toSeconds())).getID();
        boolean regranted = leaseId != NO_LEASE;
        leaseId = granted;
        return new LeaseStatus(leaseId, sentAt + ttl.toNanos(), regranted);
    }

    private static boolean isLeaseNotFound(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("lease not found")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean claimInitialize() {
        return createIfAbsent(keys.initialize(), "", false);
    }

    @Override
    public void completeInitialize(String systemIdentifier) {
        awaitRetrying("write initialize", () -> client.getKVClient().put(bytes(keys.initialize()), bytes(systemIdentifier)));
    }

    @Override
    public void cancelInitialize() {
        TxnResponse response = await("cancel initialize", client.getKVClient().txn()
                .If(new Cmp(bytes(keys.initialize()), Cmp.Op.EQUAL, CmpTarget.value(bytes(""))))
                .Then(Op.delete(bytes(keys.initialize()), DeleteOption.DEFAULT))
                .commit());
        LOG.info("[{}] cancelled the bootstrap claim (released: {})", memberName, response.isSucceeded());
    }

    @Override
    public boolean acquireLeader() {
        if (createIfAbsent(keys.leader(), memberName, true)) {
            return true;
        }
        // a leader key without a lease was written by hand and would never expire: replace it, but only
        // the very value read here (compare-and-swap on its revision)
        GetResponse current = awaitRetrying("read the leader key", () -> client.getKVClient().get(bytes(keys.leader())));
        if (current.getKvs().isEmpty() || current.getKvs().get(0).getLease() != NO_LEASE) {
            return false;
        }
        KeyValue stray = current.getKvs().get(0);
        TxnResponse replaced = await("replace the lease-less leader key", client.getKVClient().txn()
                .If(new Cmp(bytes(keys.leader()), Cmp.Op.EQUAL, CmpTarget.modRevision(stray.getModRevision())))
                .Then(Op.put(bytes(keys.leader()), bytes(memberName), PutOption.builder().withLeaseId(requireLease()).build()))
                .commit());
        if (replaced.isSucceeded()) {
            LOG.warn("[{}] replaced a leader key without a lease (it named {})", memberName, string(stray.getValue()));
        }
        return replaced.isSucceeded();
    }

    @Override
    public boolean renewLeader(LeaderLock lock) {
        if (lock.leaseId() == requireLease()) {
            return lock.isHeldBy(memberName);
        }
        TxnResponse response = await("re-attach leader key", client.getKVClient().txn()
                .If(isMine())
                .Then(Op.put(bytes(keys.leader()), bytes(memberName), PutOption.builder().withLeaseId(leaseId).build()))
                .commit());
        return response.isSucceeded();
    }

    @Override
    public boolean releaseLeader() {
        TxnResponse response = await("release leader key", client.getKVClient().txn()
                .If(isMine())
                .Then(Op.delete(bytes(keys.leader()), DeleteOption.DEFAULT))
                .commit());
        return response.isSucceeded();
    }

    @Override
    public void publishMember(Member member) {
        if (!member.name().equals(memberName)) {
            throw new IllegalArgumentException("this store acts for " + memberName + ", not for " + member.name());
        }
        PutOption withLease = PutOption.builder().withLeaseId(requireLease()).build();
        awaitRetrying("publish member", () -> client.getKVClient().put(bytes(keys.member(memberName)),
                bytes(JsonCodec.encodeMember(member)), withLease));
    }

    @Override
    public boolean publishStatus(Lsn optime, String location) {
        ByteSequence status = bytes(JsonCodec.encodeStatus(optime, location));
        return awaitRetrying("publish status", () -> client.getKVClient().txn()
                .If(isMine())
                .Then(Op.put(bytes(keys.status()), status, PutOption.DEFAULT))
                .commit()).isSucceeded();
    }

    @Override
    public void appendHistory(HistoryEntry entry) {
        for (int attempt = 0; attempt < 5; attempt++) {
            GetResponse current = await("read history", client.getKVClient().get(bytes(keys.history())));
            List<HistoryEntry> history = new ArrayList<>();
            Cmp unchanged;
            if (current.getKvs().isEmpty()) {
                unchanged = new Cmp(bytes(keys.history()), Cmp.Op.EQUAL, CmpTarget.createRevision(0));
            } else {
                try {
                    history.addAll(JsonCodec.decodeHistory(string(current.getKvs().get(0).getValue())));
                } catch (IllegalArgumentException e) {
                    LOG.warn("[{}] history key is unreadable ({}); starting it afresh", memberName, e.getMessage());
                }
                unchanged = new Cmp(bytes(keys.history()), Cmp.Op.EQUAL,
                        CmpTarget.modRevision(current.getKvs().get(0).getModRevision()));
            }
            history.add(entry);
            TxnResponse response = await("append history", client.getKVClient().txn()
                    .If(unchanged)
                    .Then(Op.put(bytes(keys.history()), bytes(JsonCodec.encodeHistory(history)), PutOption.DEFAULT))
                    .commit());
            if (response.isSucceeded()) {
                return;
            }
        }
        throw new StoreUnavailableException("append history: the key kept changing under us", null);
    }

    @Override
    public boolean recordDiscard(int timeline, String note) {
        for (int attempt = 0; attempt < 5; attempt++) {
            GetResponse current = await("read history", client.getKVClient().get(bytes(keys.history())));
            if (current.getKvs().isEmpty()) {
                return false;
            }
            List<HistoryEntry> history = new ArrayList<>(JsonCodec.decodeHistory(string(current.getKvs().get(0).getValue())));
            int index = -1;
            for (int i = 0; i < history.size(); i++) {
                if (history.get(i).timeline() == timeline) {
                    index = i;
                }
            }
            if (index < 0) {
                return false;
            }
            history.set(index, history.get(index).withDiscarded(note));
            TxnResponse response = await("record the discarded WAL in history", client.getKVClient().txn()
                    .If(new Cmp(bytes(keys.history()), Cmp.Op.EQUAL, CmpTarget.modRevision(current.getKvs().get(0).getModRevision())))
                    .Then(Op.put(bytes(keys.history()), bytes(JsonCodec.encodeHistory(history)), PutOption.DEFAULT))
                    .commit());
            if (response.isSucceeded()) {
                return true;
            }
        }
        throw new StoreUnavailableException("record the discarded WAL in history: the key kept changing under us", null);
    }

    @Override
    public void requestFailover(FailoverRequest request) {
        await("write the failover request", client.getKVClient().put(bytes(keys.failover()), bytes(JsonCodec.encodeFailover(request))));
    }

    @Override
    public boolean writeSync(SyncState sync, long expectedModRevision) {
        Cmp unchanged = new Cmp(bytes(keys.sync()), Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision));
        TxnResponse response = await("write the sync state", client.getKVClient().txn()
                .If(isMine(), unchanged)
                .Then(Op.put(bytes(keys.sync()), bytes(JsonCodec.encodeSync(sync)), PutOption.DEFAULT))
                .commit());
        return response.isSucceeded();
    }

    @Override
    public boolean writeFailsafe(Optional<Map<String, String>> members) {
        Op op = members.isPresent()
                ? Op.put(bytes(keys.failsafe()), bytes(JsonCodec.encodeFailsafe(members.get())), PutOption.DEFAULT)
                : Op.delete(bytes(keys.failsafe()), DeleteOption.DEFAULT);
        TxnResponse response = await("write the failsafe key", client.getKVClient().txn().If(isMine()).Then(op).commit());
        return response.isSucceeded();
    }

    @Override
    public void clearFailover() {
        await("clear the failover request", client.getKVClient().delete(bytes(keys.failover())));
    }

    @Override
    public boolean seedConfig(HaConfig config) {
        return createIfAbsent(keys.config(), JsonCodec.encodeConfig(config), false);
    }

    @Override
    public AutoCloseable watch(Consumer<Change> onChange) {
        Watch.Watcher watcher = client.getWatchClient().watch(bytes(keys.prefix()),
                WatchOption.builder().isPrefix(true).build(),
                response -> {
                    Set<String> members = new HashSet<>();
                    boolean clusterKeys = false;
                    for (WatchEvent event : response.getEvents()) {
                        Optional<String> member = keys.memberName(string(event.getKeyValue().getKey()));
                        if (member.isEmpty()) {
                            clusterKeys = true;
                        } else if (!member.get().equals(memberName)) {
                            // our own member-key writes need not wake us: we know what we wrote
                            members.add(member.get());
                        }
                    }
                    if (clusterKeys || !members.isEmpty()) {
                        onChange.accept(new Change(members, clusterKeys));
                    }
                },
                error -> {
                    LOG.warn("[{}] etcd watch failed ({}); the loop falls back to its tick", memberName, error.toString());
                    onChange.accept(new Change(Set.of(), true));
                });
        return watcher::close;
    }

    /** Revokes the member lease (its keys vanish at once, so nobody waits for a departed member), then closes. */
    @Override
    public void close() {
        if (leaseId != NO_LEASE) {
            try {
                client.getLeaseClient().revoke(leaseId).get(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("[{}] lease revoke on close failed; the keys expire with the TTL", memberName, e);
            }
        }
        client.close();
    }

    private Cmp isMine() {
        return new Cmp(bytes(keys.leader()), Cmp.Op.EQUAL, CmpTarget.value(bytes(memberName)));
    }

    private boolean createIfAbsent(String key, String value, boolean withLease) {
        PutOption put = withLease ? PutOption.builder().withLeaseId(requireLease()).build() : PutOption.DEFAULT;
        TxnResponse response = await("create " + key, client.getKVClient().txn()
                .If(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(bytes(key), bytes(value), put))
                .commit());
        return response.isSucceeded();
    }

    private long requireLease() {
        if (leaseId == NO_LEASE) {
            throw new IllegalStateException("no lease yet: keepAlive() must run before writes attached to the lease");
        }
        return leaseId;
    }

    private <T> T await(String what, CompletableFuture<T> future) {
        return EtcdCalls.await(what, future, requestTimeout);
    }

    /** For idempotent calls only: see {@link EtcdCalls#awaitRetrying}. */
    private <T> T awaitRetrying(String what, java.util.function.Supplier<CompletableFuture<T>> call) {
        return EtcdCalls.awaitRetrying(what, call, requestTimeout);
    }

    private static ByteSequence bytes(String text) {
        return EtcdCalls.bytes(text);
    }

    private static String string(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

}
