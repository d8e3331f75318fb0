package io.regent.agent.ha;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the loop gathered for {@code failsafe_mode} before deciding: as the leader without etcd, the answers
 * of the other members to {@code POST /failsafe}; as a standby, the last such call a leader made to it.
 *
 * @param confirmation the round of calls this cycle made (only a leader that cannot reach etcd makes one)
 * @param leaderCall   the last leader that called this member, and how long ago
 */
public record FailsafeInput(Optional<Confirmation> confirmation, Optional<LeaderCall> leaderCall) {

    public static final FailsafeInput NONE = new FailsafeInput(Optional.empty(), Optional.empty());

    /**
     * One round of {@code POST /failsafe}: who was asked, and why each one that did not accept did not
     * (unreachable, refused, timed out).
     */
    public record Confirmation(Set<String> asked, Map<String, String> notAccepted) {

        public Confirmation {
            asked = Set.copyOf(asked);
            notAccepted = Map.copyOf(notAccepted);
        }

        public boolean accepted(String member) {
            return asked.contains(member) && !notAccepted.containsKey(member);
        }
    }

    /** A leader's {@code POST /failsafe} received {@code age} ago: it runs, reaches this member and leads. */
    public record LeaderCall(String name, String connUrl, String apiUrl, Duration age) {
    }

    public FailsafeInput withConfirmation(Confirmation confirmation) {
        return new FailsafeInput(Optional.of(confirmation), leaderCall);
    }
}
