package io.regent.agent.api;

import io.regent.agent.status.Replication;
import io.regent.common.config.HaConfig;
import io.regent.common.model.ClusterView;
import io.regent.common.model.FailoverRequest;
import io.regent.common.model.HistoryEntry;
import io.regent.common.model.Member;
import io.regent.common.model.PgState;
import io.regent.common.model.Role;
import io.regent.common.model.Tags;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Optional;

/** The cluster-wide documents ({@code /cluster}, {@code /history}, {@code /config}) in Patroni's shapes. */
final class ClusterJson {

    private ClusterJson() {
    }

    /**
     * Patroni's {@code GET /cluster}: every member with name, role, state, host, port, api_url, timeline,
     * lag (bytes behind the last leader position, {@code "unknown"} when it cannot be told; not on the
     * leader) and tags; {@code pause} when in maintenance mode; {@code scheduled_switchover} when one is
     * pending. Roles as Patroni's: {@code leader} for the holder of the leader key, {@code sync_standby}
     * or {@code replica} for the others; a member that runs as primary without the key is shown as
     * {@code primary}, never disguised as a replica. A replica that streams has state {@code streaming}.
     */
    static JsonObject cluster(String scope, ClusterView view) {
        JsonArray members = new JsonArray();
        String leader = view.leader().map(lock -> lock.name()).orElse(null);
        for (Member member : view.membersByName()) {
            members.add(member(view, member, member.name().equals(leader)));
        }
        JsonObject json = new JsonObject().put("scope", scope).put("members", members);
        if (view.paused()) {
            json.put("pause", true);
        }
        view.failover().filter(request -> request.scheduledAt().isPresent())
                .ifPresent(request -> json.put("scheduled_switchover", scheduled(request)));
        return json;
    }

    private static JsonObject member(ClusterView view, Member member, boolean isLeader) {
        JsonObject json = new JsonObject().put("name", member.name()).put("role", role(view, member, isLeader))
                .put("state", state(member));
        Optional<URI> conn = connUri(member.connUrl());
        conn.map(URI::getHost).ifPresent(host -> json.put("host", host));
        conn.filter(uri -> uri.getPort() > 0).ifPresent(uri -> json.put("port", uri.getPort()));
        if (member.apiUrl() != null) {
            json.put("api_url", member.apiUrl());
        }
        if (member.timeline() != null) {
            json.put("timeline", member.timeline());
        }
        if (!isLeader) {
            json.put("lag", Replication.lagBytes(view, member.xlogLocation()).<Object>map(lag -> lag).orElse("unknown"));
        }
        if (member.upstream() != null) {
            json.put("upstream", member.upstream());
        }
        json.put("tags", tags(member.tags()));
        return json;
    }

    private static String role(ClusterView view, Member member, boolean isLeader) {
        if (isLeader) {
            return "leader";
        }
        if (member.role() != Role.REPLICA) {
            return member.role().wire();
        }
        return Replication.isSynchronous(view, member.name()) ? "sync_standby" : "replica";
    }

    private static String state(Member member) {
        if (member.role() == Role.REPLICA && member.state() == PgState.RUNNING && member.upstream() != null) {
            return "streaming";
        }
        return member.state().wire();
    }

    private static Optional<URI> connUri(String connUrl) {
        if (connUrl == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(URI.create(connUrl));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static JsonObject tags(Tags tags) {
        return new JsonObject().put("priority", tags.priority()).put("location", tags.location())
                .put("nofailover", tags.nofailover()).put("nosync", tags.nosync());
    }

    private static JsonObject scheduled(FailoverRequest request) {
        JsonObject json = new JsonObject().put("at", request.scheduledAt().orElseThrow().toString());
        request.leader().ifPresent(leader -> json.put("from", leader));
        request.candidate().ifPresent(candidate -> json.put("to", candidate));
        return json;
    }

    /** Patroni's {@code GET /history}: {@code [[timeline, switch_lsn, reason, timestamp, new_leader], …]}. */
    static JsonArray history(ClusterView view) {
        JsonArray list = new JsonArray();
        for (HistoryEntry entry : view.history()) {
            list.add(new JsonArray().add(entry.timeline()).add(entry.switchLsn().value()).add(entry.reason())
                    .add(entry.timestamp() == null ? null : entry.timestamp().toString()).add(entry.newLeader()));
        }
        return list;
    }

    /**
     * {@code GET /config}: the dynamic configuration as the cluster's {@code config} key holds it (the fields
     * the agents use), with {@code pause} when the cluster is paused.
     */
    static JsonObject config(HaConfig config, boolean paused) {
        JsonObject json = new JsonObject()
                .put("ttl", config.ttl())
                .put("loop_wait", config.loopWait())
                .put("retry_timeout", config.retryTimeout())
                .put("maximum_lag_on_failover", config.maximumLagOnFailover())
                .put("primary_start_timeout", config.primaryStartTimeout());
        if (paused) {
            json.put("pause", true);
        }
        return json;
    }
}
