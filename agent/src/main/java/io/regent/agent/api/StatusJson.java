package io.regent.agent.api;

import io.regent.agent.status.LoopSnapshot;
import io.regent.agent.status.NodeStatus;
import io.vertx.core.json.JsonObject;

/** This node's status in the shape Patroni's {@code GET /patroni} and health checks use, plus flat fields for scripts. */
final class StatusJson {

    static final String VERSION = StatusJson.class.getPackage().getImplementationVersion() == null
            ? "dev" : StatusJson.class.getPackage().getImplementationVersion();

    private StatusJson() {
    }

    static JsonObject of(NodeStatus status) {
        JsonObject json = new JsonObject()
                .put("name", status.name())
                .put("scope", status.scope())
                .put("state", status.state().wire())
                .put("role", status.role().wire())
                .put("timeline", status.timeline())
                .put("xlog_location", status.xlogLocation())
                .put("server_version", status.serverVersion())
                .put("database_system_identifier", status.systemIdentifier())
                .put("leader", status.leader())
                .put("upstream", status.upstream())
                .put("streaming", status.streaming())
                .put("last_decision", status.lastDecision())
                .put("patroni", new JsonObject().put("version", VERSION).put("scope", status.scope()).put("name", status.name()));
        if (status.xlogLocation() != null) {
            json.put("xlog", new JsonObject().put("location", status.xlogLocation()));
        }
        return json;
    }

    /**
     * {@link #of(NodeStatus)} plus what Patroni adds from the cluster view: {@code cluster_unlocked} while
     * no member holds the leader key, {@code pause} in maintenance mode.
     */
    static JsonObject of(LoopSnapshot snapshot) {
        JsonObject json = of(snapshot.status());
        if (snapshot.cycled() && !snapshot.view().hasLeader()) {
            json.put("cluster_unlocked", true);
        }
        if (snapshot.view().paused()) {
            json.put("pause", true);
        }
        return json;
    }
}
