package io.regent.agent.postgres;

import io.regent.common.model.Lsn;
import java.util.Optional;

/**
 * A physical replication slot as {@code pg_replication_slots} shows it. A slot with a
 * {@code restartLsn} holds WAL back on this server until its consumer catches up.
 */
public record ReplicationSlot(String name, boolean active, Optional<Lsn> restartLsn) {

    public boolean retainsWal() {
        return restartLsn.isPresent();
    }
}
