package io.regent.tests.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's output: per scenario and figure, min / median / max over the runs that measured
 * it, with every run's values and notes; written as Markdown (for people and the README) and JSON
 * (for tools), side by side.
 */
final class Report {

    /** What one scenario gave: the completed runs and why the others could not be carried out. */
    record ScenarioResult(BenchScenario scenario, int planned, List<RunFigures> runs, List<String> failures) {
    }

    /** min / median / max of one figure over the runs that measured it. */
    record Stats(double min, double median, double max, int count, List<Double> values) {
        static Stats of(List<Double> values) {
            List<Double> sorted = new ArrayList<>(values);
            sorted.sort(Double::compare);
            int n = sorted.size();
            double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
            return new Stats(sorted.get(0), median, sorted.get(n - 1), n, List.copyOf(values));
        }
    }

    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private final ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
    private final List<String> commandLine;
    private final BenchOptions options;
    private final Map<String, Object> machine;
    private final Map<String, Object> versions;
    private final HaSettings settings;
    private final List<ScenarioResult> results = new ArrayList<>();

    Report(List<String> commandLine, BenchOptions options, Map<String, Object> machine, Map<String, Object> versions,
           HaSettings settings) {
        this.commandLine = List.copyOf(commandLine);
        this.options = options;
        this.machine = machine;
        this.versions = versions;
        this.settings = settings;
    }

    void add(ScenarioResult result) {
        results.add(result);
    }

    /** Figures measured by at least one run of the scenario, in catalogue order. */
    static Map<Figure, Stats> stats(ScenarioResult result) {
        Map<Figure, Stats> out = new LinkedHashMap<>();
        for (Figure figure : Figure.values()) {
            List<Double> values = result.runs().stream().filter(r -> r.values().containsKey(figure))
                    .map(r -> r.values().get(figure)).toList();
            if (!values.isEmpty()) {
                out.put(figure, Stats.of(values));
            }
        }
        return out;
    }

    /** Writes {@code bench-<stamp>.md} and {@code bench-<stamp>.json} under {@code dir}; returns the Markdown path. */
    Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        String stamp = FILE_STAMP.format(started);
        Path md = dir.resolve("bench-" + stamp + ".md");
        Path json = dir.resolve("bench-" + stamp + ".json");
        Files.writeString(md, markdown());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), json());
        return md;
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Regent benchmark, ").append(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append("\n\n");
        sb.append("- Command: `").append(String.join(" ", commandLine)).append("` (")
                .append(options.quick() && !options.runsGiven() ? "quick: 2 runs of host-loss and postgres-crash, 1 of the others"
                        : options.runs() + (options.runs() == 1 ? " run" : " runs") + " per scenario").append(")\n");
        sb.append("- Machine: ").append(machine.get("cores")).append(" cores, ").append(machine.get("memory_mb"))
                .append(" MB, ").append(machine.get("cpu")).append(", ").append(machine.get("os")).append(", kernel ")
                .append(machine.get("kernel")).append("; 1-minute load average ").append(machine.get("load_average_at_start"))
                .append(" at the start (each run's is in its notes)\n");
        sb.append("- Versions: Regent ").append(versions.get("regent")).append(" (").append(versions.get("regent_commit"))
                .append("), ").append(versions.get("postgresql")).append(", ").append(versions.get("etcd")).append(" (")
                .append(versions.get("etcd_members")).append(" member), ").append(versions.get("java")).append('\n');
        sb.append("- HA settings: ttl ").append(settings.ttl()).append(" s, loop_wait ").append(settings.loopWait())
                .append(" s, retry_timeout ").append(settings.retryTimeout()).append(" s, maximum_lag_on_failover ")
                .append(settings.maximumLagOnFailover()).append(" bytes; asynchronous replication unless the scenario says otherwise").append(ownSettings())
                .append('\n');
        sb.append("- Load: one writer committing one row every 20 ms on whichever node answers 200 on /primary, "
                + "reconnecting on error; every figure is measured from the fault\n\n");
        sb.append("| scenario | figure | min | median | max | runs | goal |\n");
        sb.append("|---|---|---:|---:|---:|---:|---|\n");
        for (ScenarioResult result : results) {
            Map<Figure, Stats> stats = stats(result);
            if (stats.isEmpty()) {
                sb.append("| ").append(result.scenario().name()).append(" | (no run completed) | | | | 0/")
                        .append(result.planned()).append(" | |\n");
            }
            for (Map.Entry<Figure, Stats> e : stats.entrySet()) {
                Figure f = e.getKey();
                Stats s = e.getValue();
                sb.append("| ").append(result.scenario().name()).append(" | ").append(f.label()).append(" | ")
                        .append(f.unit().format(s.min())).append(" | ").append(f.unit().format(s.median())).append(" | ")
                        .append(f.unit().format(s.max())).append(" | ").append(s.count()).append('/').append(result.planned())
                        .append(" | ").append(result.scenario().goals().getOrDefault(f, "")).append(" |\n");
            }
        }
        sb.append("\n## Scenarios and notes\n");
        for (ScenarioResult result : results) {
            sb.append("\n### ").append(result.scenario().name()).append("\n\n").append(result.scenario().description())
                    .append(". ").append(result.scenario().settings().map(s -> "HA settings: " + s + ". ").orElse("")).append(result.runs().size()).append(" of ").append(result.planned())
                    .append(" runs completed.\n\n");
            for (int i = 0; i < result.runs().size(); i++) {
                RunFigures run = result.runs().get(i);
                sb.append("- run ").append(i + 1).append(": ").append(run.summary()).append('\n');
                run.notes().forEach((k, v) -> sb.append("  - ").append(k).append(": ").append(v.replace("\n", " ")).append('\n'));
            }
            for (String failure : result.failures()) {
                sb.append("- failed run: ").append(failure.replace("\n", " ")).append('\n');
            }
        }
        return sb.toString();
    }

    /** "; footprint-3 with ttl 30 s, …" for the scenarios that run with HA settings of their own. */
    private String ownSettings() {
        StringBuilder sb = new StringBuilder();
        for (ScenarioResult result : results) {
            result.scenario().settings().ifPresent(hs -> sb.append("; ").append(result.scenario().name()).append(" with ")
                    .append(hs));
        }
        return sb.toString();
    }

    Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("generated_at", started.toString());
        root.put("command", commandLine);
        root.put("runs_per_scenario", options.runs());
        root.put("quick", options.quick());
        root.put("machine", machine);
        root.put("versions", versions);
        Map<String, Object> ha = new LinkedHashMap<>();
        ha.put("ttl", settings.ttl());
        ha.put("loop_wait", settings.loopWait());
        ha.put("retry_timeout", settings.retryTimeout());
        ha.put("maximum_lag_on_failover", settings.maximumLagOnFailover());
        ha.put("synchronous_mode", false);
        ha.put("writer_interval_ms", 20);
        root.put("ha_settings", ha);
        List<Object> scenarios = new ArrayList<>();
        for (ScenarioResult result : results) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", result.scenario().name());
            s.put("description", result.scenario().description());
            result.scenario().settings().ifPresent(hs -> s.put("ha_settings", Map.of("ttl", hs.ttl(), "loop_wait", hs.loopWait(),
                    "retry_timeout", hs.retryTimeout())));
            s.put("runs_planned", result.planned());
            s.put("runs_completed", result.runs().size());
            Map<String, Object> figures = new LinkedHashMap<>();
            stats(result).forEach((f, st) -> {
                Map<String, Object> fig = new LinkedHashMap<>();
                fig.put("label", f.label());
                fig.put("unit", f.unit() == Figure.Unit.MILLIS ? "ms" : f.unit().name().toLowerCase(Locale.ROOT));
                fig.put("min", st.min());
                fig.put("median", st.median());
                fig.put("max", st.max());
                fig.put("runs", st.count());
                fig.put("values", st.values());
                fig.put("goal", result.scenario().goals().get(f));
                figures.put(f.key(), fig);
            });
            s.put("figures", figures);
            List<Object> runs = new ArrayList<>();
            for (RunFigures run : result.runs()) {
                Map<String, Object> r = new LinkedHashMap<>();
                Map<String, Object> values = new LinkedHashMap<>();
                run.values().forEach((f, v) -> values.put(f.key(), v));
                r.put("figures", values);
                r.put("notes", run.notes());
                runs.add(r);
            }
            s.put("runs", runs);
            s.put("failures", result.failures());
            scenarios.add(s);
        }
        root.put("scenarios", scenarios);
        return root;
    }
}
