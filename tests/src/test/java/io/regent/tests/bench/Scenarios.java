package io.regent.tests.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every scenario the runner knows, in the order it runs them, and the subsets: the full run, the
 * quick run, and group names usable with {@code --scenario} ({@code scaling}, {@code footprint}).
 * A new scenario (switchover, sync mode, etcd outage) is one class plus one line here.
 */
final class Scenarios {

    private static final Map<String, BenchScenario> ALL = new LinkedHashMap<>();

    static {
        add(new HostLossScenario("host-loss", 2));
        add(new SyncHostLossScenario());
        add(new StrictSyncScenario());
        add(new QuorumHostLossScenario());
        add(new PostgresCrashScenario());
        add(new AgentHangScenario());
        add(new SwitchoverScenario());
        add(new OldPrimaryRejoinScenario());
        add(new PrimaryPartitionScenario());
        add(new StandbyPartitionScenario());
        add(new ReinitScenario());
        add(new EtcdOutageScenario(EtcdOutageScenario.Kind.MEMBER_LOSS));
        add(new EtcdOutageScenario(EtcdOutageScenario.Kind.QUORUM_LOSS));
        add(new EtcdOutageScenario(EtcdOutageScenario.Kind.QUORUM_LOSS_FAILSAFE));
        add(new HostLossScenario("scaling-4", 4));
        add(new HostLossScenario("scaling-6", 6));
        add(new FootprintScenario("footprint-3", 3, Optional.of(HaSettings.productDefaults())));
        add(new FootprintScenario("footprint-7", 7, Optional.of(HaSettings.productDefaults())));
        add(new FootprintScenario("footprint-3-fast", 3, Optional.empty()));
    }

    /** Groups: the 2-standby point of the scaling series is host-loss itself. */
    private static final Map<String, List<String>> GROUPS = Map.of(
            "scaling", List.of("host-loss", "scaling-4", "scaling-6"),
            "footprint", List.of("footprint-3", "footprint-7", "footprint-3-fast"),
            "partition", List.of("partition-primary", "partition-standby"),
            "etcd", List.of("etcd-member-loss", "etcd-quorum-loss", "etcd-quorum-loss-failsafe"),
            "sync", List.of("sync-host-loss", "sync-strict", "quorum-host-loss"));

    /**
     * --quick: every scenario but scaling-4 (the scaling series keeps its ends, 2 and 6 standbys),
     * each run once except host-loss, postgres-crash and switchover (the main goals), unless
     * --runs says otherwise.
     */
    private static final List<String> QUICK = List.of("host-loss", "postgres-crash", "agent-hang", "switchover", "rejoin", "reinit",
            "partition-primary", "partition-standby", "scaling-6", "footprint-3", "footprint-7", "footprint-3-fast");
    private static final Set<String> QUICK_REPEATED = Set.of("host-loss", "postgres-crash", "switchover");

    private Scenarios() {
    }

    private static void add(BenchScenario scenario) {
        ALL.put(scenario.name(), scenario);
    }

    /** How many runs of {@code scenario} the options ask for. */
    static int runs(BenchScenario scenario, BenchOptions options) {
        int requested = options.quick() && !options.runsGiven() && !QUICK_REPEATED.contains(scenario.name())
                ? 1 : options.runs();
        return scenario.runs(requested);
    }

    static Set<String> names() {
        return ALL.keySet();
    }

    static Set<String> groups() {
        return GROUPS.keySet();
    }

    /** The scenarios to run, in the runner's order, for the given names (empty: all, or the quick set). */
    static List<BenchScenario> select(List<String> requested, boolean quick) {
        List<String> names = new ArrayList<>();
        if (requested.isEmpty()) {
            names.addAll(quick ? QUICK : ALL.keySet());
        }
        for (String name : requested) {
            if (GROUPS.containsKey(name)) {
                names.addAll(GROUPS.get(name));
            } else if (ALL.containsKey(name)) {
                names.add(name);
            } else {
                throw new IllegalArgumentException("unknown scenario " + name + "; known: " + ALL.keySet()
                        + ", groups: " + GROUPS.keySet());
            }
        }
        return ALL.values().stream().filter(s -> names.contains(s.name())).toList();
    }
}
