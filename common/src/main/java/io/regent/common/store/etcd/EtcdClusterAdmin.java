package io.regent.common.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.regent.common.model.ClusterView;
import io.regent.common.model.FailoverRequest;
import io.regent.common.store.ClusterAdmin;
import io.regent.common.store.KeyLayout;
import io.regent.common.store.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * {@link ClusterAdmin} on etcd v3 through jetcd. Reads are delegated to a read-only
 * {@link EtcdClusterStore} on the same client; every call is bounded by the request timeout and every
 * failure leaves this class as a {@link StoreUnavailableException}.
 */
final class EtcdClusterAdmin implements ClusterAdmin {

    private final Client client;
    private final KeyLayout keys;
    private final Duration requestTimeout;
    private final EtcdClusterStore reader;
    private final boolean ownsClient;

    EtcdClusterAdmin(Client client, KeyLayout keys, Duration requestTimeout, EtcdClusterStore reader, boolean ownsClient) {
        this.ownsClient = ownsClient;
        this.client = client;
        this.keys = keys;
        this.requestTimeout = requestTimeout;
        this.reader = reader;
    }

    @Override
    public ClusterView load() {
        return reader.load();
    }

    @Override
    public Optional<Versioned> readConfig() {
        return read(keys.config());
    }

    @Override
    public OptionalLong replaceConfig(String json, long expectedModRevision) {
        // the same checks the agents' view decoder applies: a value failing them would be ignored by every agent
        JsonCodec.decodeConfig(json);
        JsonCodec.decodePause(json);
        Cmp unchanged = expectedModRevision == 0
                ? new Cmp(bytes(keys.config()), Cmp.Op.EQUAL, CmpTarget.createRevision(0))
                : new Cmp(bytes(keys.config()), Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision));
        TxnResponse response = await("replace config", kv().txn()
                .If(unchanged)
                .Then(Op.put(bytes(keys.config()), bytes(json), PutOption.DEFAULT))
                .commit());
        // a transaction with a put is one revision: the header's is the key's new mod revision
        return response.isSucceeded() ? OptionalLong.of(response.getHeader().getRevision()) : OptionalLong.empty();
    }

    @Override
    public Optional<Versioned> readFailover() {
        return read(keys.failover());
    }

    @Override
    public void writeFailover(FailoverRequest request) {
        await("write failover", kv().put(bytes(keys.failover()), bytes(JsonCodec.encodeFailover(request))));
    }

    @Override
    public boolean deleteFailover() {
        return await("delete failover", kv().delete(bytes(keys.failover()))).getDeleted() > 0;
    }

    @Override
    public OptionalLong removeClusterIfLeaderless() {
        TxnResponse response = await("remove cluster", kv().txn()
                .If(new Cmp(bytes(keys.leader()), Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(deletePrefix())
                .commit());
        if (!response.isSucceeded()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(response.getDeleteResponses().stream().mapToLong(r -> r.getDeleted()).sum());
    }

    @Override
    public long removeCluster() {
        TxnResponse response = await("remove cluster", kv().txn().Then(deletePrefix()).commit());
        return response.getDeleteResponses().stream().mapToLong(r -> r.getDeleted()).sum();
    }

    @Override
    public void close() {
        if (ownsClient) {
            reader.close();
        }
    }

    private Op deletePrefix() {
        return Op.delete(bytes(keys.prefix()), DeleteOption.builder().isPrefix(true).build());
    }

    private Optional<Versioned> read(String key) {
        GetResponse response = EtcdCalls.awaitRetrying("read " + key, () -> kv().get(bytes(key), GetOption.DEFAULT), requestTimeout);
        if (response.getKvs().isEmpty()) {
            return Optional.empty();
        }
        KeyValue kv = response.getKvs().get(0);
        return Optional.of(new Versioned(kv.getValue().toString(StandardCharsets.UTF_8), kv.getModRevision()));
    }

    private KV kv() {
        return client.getKVClient();
    }

    private <T> T await(String what, CompletableFuture<T> future) {
        return EtcdCalls.await(what, future, requestTimeout);
    }

    private static ByteSequence bytes(String text) {
        return EtcdCalls.bytes(text);
    }
}
