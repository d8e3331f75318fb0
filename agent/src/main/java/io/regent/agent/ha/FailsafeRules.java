package io.regent.agent.ha;

import io.regent.agent.ha.Decision.Demote;
import io.regent.agent.ha.Decision.KeepLeadingInFailsafe;
import io.regent.agent.ha.Decision.Wait;
import io.regent.common.config.HaConfig;
import io.regent.common.model.ClusterView;
import io.regent.common.model.Member;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The rules of {@code failsafe_mode} (Patroni's semantics), pure: while etcd cannot be reached, a leader
 * stays primary only if every member it must reach confirmed it over the REST API this cycle; a standby
 * that a leader confirmed itself to less than {@code ttl} ago runs no election.
 *
 * <p>Whom the leader must reach is the {@code failsafe} key (member name → REST API URL), which the leader
 * keeps up to date while etcd answers, joined with the members of its last view of etcd. The key is what
 * the standbys can see too: a member that is not in it never runs for leader while failsafe_mode is on, so
 * a member the leader did not call (a new or returning node, during a partition that cut only the leader
 * off etcd) cannot be promoted behind its back. The members of the last view cover a member that joined
 * after the key was last written.
 */
public final class FailsafeRules {

    private FailsafeRules() {
    }

    /** What a leader says about itself in {@code POST /failsafe} (Patroni's body). */
    public record Call(String name, String connUrl, String apiUrl) {
    }

    /** A write of the {@code failsafe} key: the new value, or empty to delete it. */
    record KeyUpdate(Optional<Map<String, String>> value) {
    }

    /**
     * What the leader must write to the {@code failsafe} key, if anything: every member that publishes a
     * REST API URL (itself included) while failsafe_mode is on; nothing once it is off (the key is deleted).
     * Empty while its own member key is not in the view yet, so the key always names the leader.
     */
    static Optional<KeyUpdate> keyUpdate(ClusterView view, HaConfig config, String self) {
        if (!config.failsafeMode()) {
            return view.failsafe().isPresent() ? Optional.of(new KeyUpdate(Optional.empty())) : Optional.empty();
        }
        if (view.member(self).filter(m -> hasApi(m)).isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> topology = view.members().values().stream().filter(FailsafeRules::hasApi)
                .collect(Collectors.toMap(Member::name, Member::apiUrl, (a, b) -> a, TreeMap::new));
        return view.failsafe().filter(topology::equals).isPresent() ? Optional.empty()
                : Optional.of(new KeyUpdate(Optional.of(topology)));
    }

    /**
     * The members (name → REST API URL) a leader cut off from etcd must reach to stay primary, from its last
     * view: empty when that view has no {@code failsafe} key naming this member, so it cannot stay.
     */
    public static Optional<Map<String, String>> membersToConfirm(ClusterView lastView, String self) {
        Optional<Map<String, String>> key = lastView.failsafe().filter(members -> members.containsKey(self));
        return key.map(members -> {
            Map<String, String> all = new TreeMap<>(members);
            lastView.members().values().stream().filter(FailsafeRules::hasApi)
                    .forEach(member -> all.putIfAbsent(member.name(), member.apiUrl()));
            all.remove(self);
            return Map.copyOf(all);
        });
    }

    /**
     * The leader without etcd, failsafe_mode on: stays primary if every member to reach accepted this
     * cycle's call, else demotes as it would without failsafe_mode.
     */
    static Decision leaderWithoutStore(ClusterView lastView, LocalState local, HaConfig config) {
        String lease = " (lease valid for " + local.leaseRemaining().toMillis() + " ms more)";
        Optional<Map<String, String>> toReach = membersToConfirm(lastView, local.name());
        if (toReach.isEmpty()) {
            return new Demote(Optional.empty(), "etcd is unreachable and failsafe_mode cannot keep this leader: the failsafe"
                    + " key does not name it" + lease + "; demoting before the lease expires");
        }
        Optional<FailsafeInput.Confirmation> confirmation = local.failsafe().confirmation();
        Map<String, String> missing = new TreeMap<>();
        for (String member : toReach.get().keySet()) {
            if (confirmation.isEmpty() || !confirmation.get().accepted(member)) {
                missing.put(member, confirmation.map(c -> c.notAccepted().getOrDefault(member, "not asked"))
                        .orElse("not asked"));
            }
        }
        if (!missing.isEmpty()) {
            return new Demote(Optional.empty(), "etcd is unreachable and failsafe_mode cannot keep this leader: "
                    + missing.entrySet().stream().map(e -> e.getKey() + " did not accept (" + e.getValue() + ")")
                            .collect(Collectors.joining(", ")) + lease + "; demoting before the lease expires");
        }
        String who = toReach.get().isEmpty() ? "no other member to reach" : String.join(", ", new TreeMap<>(toReach.get()).keySet())
                + " confirmed this leader over the REST API";
        return new KeepLeadingInFailsafe("etcd is unreachable; failsafe_mode: " + who + ", so it stays primary");
    }

    /**
     * A standby that sees no leader key (the leader may be cut off from etcd only): with failsafe_mode on it
     * runs no election while a leader confirmed itself to it less than {@code ttl} ago, nor when the
     * {@code failsafe} key leaves it out. Empty when the election may go on.
     */
    static Optional<Decision> holdsElectionBack(ClusterView view, LocalState local, HaConfig config) {
        if (!config.failsafeMode()) {
            return Optional.empty();
        }
        Optional<FailsafeInput.LeaderCall> call = local.failsafe().leaderCall()
                .filter(c -> !c.name().equals(local.name()))
                .filter(c -> c.age().compareTo(config.ttlDuration()) < 0);
        if (call.isPresent()) {
            return Optional.of(new Wait("no leader key, but the leader " + call.get().name() + " confirmed over the REST API "
                    + call.get().age().toMillis() + " ms ago that it runs (failsafe_mode); no election until that is "
                    + config.ttl() + " s old"));
        }
        if (view.failsafe().filter(members -> !members.isEmpty() && !members.containsKey(local.name())).isPresent()) {
            return Optional.of(new Wait("no leader key, and this member is not in the failsafe key, so it does not run for"
                    + " leader (failsafe_mode)"));
        }
        return Optional.empty();
    }

    /**
     * Why this member refuses a leader's {@code POST /failsafe}, or empty to accept: it runs as a primary
     * itself, or the leader key it last read names another member.
     */
    public static Optional<String> refusal(Call call, String self, boolean runsAsPrimary, Optional<String> leaderInLastView) {
        if (call.name().equals(self)) {
            return Optional.of("the call names this member itself");
        }
        if (runsAsPrimary) {
            return Optional.of("running as a primary");
        }
        return leaderInLastView.filter(leader -> !leader.equals(call.name()))
                .map(leader -> "the leader key names " + leader + ", not " + call.name());
    }

    private static boolean hasApi(Member member) {
        return member.apiUrl() != null && !member.apiUrl().isBlank();
    }
}
