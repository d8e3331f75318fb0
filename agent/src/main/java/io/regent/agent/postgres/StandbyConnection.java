package io.regent.agent.postgres;

import io.regent.common.model.Lsn;
import java.util.Optional;

/**
 * One row of the primary's {@code pg_stat_replication}: a standby connected by its
 * {@code application_name} (the member name), the walsender's state and what the standby has flushed.
 */
public record StandbyConnection(String applicationName, String state, Optional<Lsn> flushed) {

    public boolean isStreaming() {
        return "streaming".equals(state);
    }
}
