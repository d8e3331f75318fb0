package io.regent.common.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * The local PostgreSQL this agent owns.
 *
 * @param parameters extra {@code postgresql.conf} settings; the agent's own (port, listen address,
 *                   replication settings) win over them
 * @param pgpass     password file the agent writes for libpq tools (outside the data directory, so a
 *                   base backup never copies it); defaults to {@code <data_dir>.pgpass}
 * @param usePgRewind a diverged data directory is repaired with pg_rewind (default true)
 * @param reinitOnRewindFailure when pg_rewind fails (or is off), the data directory is moved aside and cloned
 *                   afresh from the leader (default true); when false the member waits for an operator
 */
public record PostgresConfig(
        HostPort listen,
        HostPort connectAddress,
        Path dataDir,
        Path binDir,
        Authentication authentication,
        Map<String, Object> parameters,
        Path pgpass,
        Boolean usePgRewind,
        Boolean reinitOnRewindFailure) {

    public PostgresConfig {
        usePgRewind = usePgRewind == null || usePgRewind;
        reinitOnRewindFailure = reinitOnRewindFailure == null || reinitOnRewindFailure;
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        if (pgpass == null && dataDir != null) {
            pgpass = dataDir.resolveSibling(dataDir.getFileName() + ".pgpass");
        }
    }

    /** The libpq URL others use to reach this PostgreSQL (no password: that comes from a pgpass file). */
    public String connUrl() {
        return "postgres://" + connectAddress + "/postgres";
    }

    public PostgresConfig withAuthentication(Authentication newAuthentication) {
        return new PostgresConfig(listen, connectAddress, dataDir, binDir, newAuthentication, parameters, pgpass, usePgRewind,
                reinitOnRewindFailure);
    }
}
