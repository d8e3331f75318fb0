package io.regent.agent.postgres;

import io.regent.common.model.Lsn;
import java.util.Optional;

/**
 * What one probe of the running local PostgreSQL found.
 *
 * @param position           the WAL position that counts in an election: the current write position of
 *                           a primary, the furthest received or replayed position of a standby
 * @param replayed           the end of the last WAL record applied (a primary: its write position); unlike
 *                           a received position it never ends partway through a record
 * @param configuredUpstream where {@code primary_conninfo} points (empty: none configured)
 * @param receiver           the WAL receiver, when one runs
 */
public record PgProbe(
        boolean inRecovery,
        int timeline,
        Lsn position,
        Lsn replayed,
        Optional<Upstream> configuredUpstream,
        Optional<WalReceiver> receiver,
        String systemIdentifier,
        String serverVersion) {

    /** {@code pg_stat_wal_receiver}: its status ("streaming", "waiting"…) and whom it talks to. */
    public record WalReceiver(String status, Upstream sender, int timeline) {

        public boolean isStreaming() {
            return "streaming".equals(status);
        }
    }

    public boolean isStreamingFrom(Upstream upstream) {
        return receiver.filter(WalReceiver::isStreaming).map(r -> r.sender().equals(upstream)).orElse(false);
    }
}
