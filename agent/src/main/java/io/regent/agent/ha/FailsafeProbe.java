package io.regent.agent.ha;

import java.time.Duration;
import java.util.Map;

/**
 * Asks other members, over their REST API, to confirm this leader while etcd is unreachable
 * ({@code POST /failsafe}). Used by the loop only; the decider judges the answers.
 */
public interface FailsafeProbe {

    /**
     * Calls every member in {@code apiUrls} (name → REST API URL) in parallel and returns within
     * {@code timeout}: a member that has not answered by then did not accept.
     */
    FailsafeInput.Confirmation confirm(Map<String, String> apiUrls, FailsafeRules.Call call, Duration timeout);
}
