package io.regent.common.config;

import java.nio.file.Path;

/**
 * The fence process (section {@code fence}): a small process beside the agent that stops the local
 * primary (SIGKILL to the postmaster and its processes) when the agent has not renewed its leader lease
 * in time, so that a hung agent cannot leave a writable primary behind once another member may be promoted.
 *
 * @param enabled      run and feed the fence (default true)
 * @param safetyMargin seconds before the leader lease can expire at which the fence stops the primary
 *                     (default {@value #DEFAULT_SAFETY_MARGIN})
 * @param socket       the fence's Unix-domain socket; default {@code <data_dir>.fence.sock}
 */
public record FenceConfig(Boolean enabled, Integer safetyMargin, Path socket) {

    public static final int DEFAULT_SAFETY_MARGIN = 2;
    /** Linux's {@code sun_path} holds 108 bytes including the terminating NUL. */
    public static final int MAX_SOCKET_PATH_BYTES = 107;
    public static final FenceConfig DEFAULTS = new FenceConfig(null, null, null);

    public FenceConfig {
        enabled = enabled == null || enabled;
        safetyMargin = safetyMargin == null ? DEFAULT_SAFETY_MARGIN : safetyMargin;
    }

    /** The socket path: the configured one, or {@code <data_dir>.fence.sock} beside the data directory. */
    public Path socketFor(Path dataDir) {
        return socket != null ? socket : dataDir.resolveSibling(dataDir.getFileName() + ".fence.sock");
    }
}
