package io.regent.tests.bench;

import io.regent.tests.fixture.AgentProcess;
import io.regent.tests.fixture.RegentCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An idle cluster of N members, measured over a sample (60 s by default) once it settled: each
 * agent's resident memory (VmRSS, sampled every 5 s) and CPU time (utime + stime of its JVM from
 * {@code /proc/<pid>/stat}), and the requests etcd received (the sum of
 * {@code grpc_server_msg_received_total} over every gRPC method from etcd's {@code /metrics}: one per
 * unary call, one per message on a stream such as lease keepalives and watches). The benchmark's
 * etcd serves only this cluster while it is measured.
 */
final class FootprintScenario implements BenchScenario {

    private static final Duration SETTLE = Duration.ofSeconds(10);
    private static final Duration RSS_SAMPLE_EVERY = Duration.ofSeconds(5);
    private static final Pattern RECEIVED = Pattern.compile(
            "^grpc_server_msg_received_total\\{([^}]*)\\}\\s+([0-9.eE+-]+)\\s*$", Pattern.MULTILINE);
    private static final Pattern METHOD = Pattern.compile("grpc_method=\"([^\"]+)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int members;
    private final HaSettings settings;

    /** {@code settings} empty: the benchmark's own (ttl 10, loop_wait 1: a loop every second). */
    FootprintScenario(String name, int members, Optional<HaSettings> settings) {
        this.name = name;
        this.members = members;
        this.settings = settings.orElse(null);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<HaSettings> settings() {
        return Optional.ofNullable(settings);
    }

    @Override
    public String description() {
        return "an idle cluster of " + members + " members" + (settings == null ? " with the benchmark's HA settings"
                : " with " + settings) + ", sampled after " + SETTLE.toSeconds() + " s at rest";
    }

    @Override
    public Map<Figure, String> goals() {
        Map<Figure, String> goals = new EnumMap<>(Figure.class);
        goals.put(Figure.AGENT_RSS_MAX, "≤ 100 MB");
        goals.put(Figure.AGENT_CPU_MAX, "≤ 0.2 %");
        return goals;
    }

    /** A sample is long and steady: one run is enough. */
    @Override
    public int runs(int requested) {
        return 1;
    }

    @Override
    public RunFigures run(BenchContext context) throws Exception {
        return ClusterRun.with(context, members, settings != null ? settings : context.settings(),
                cluster -> runOn(context, cluster));
    }

    private RunFigures runOn(BenchContext context, RegentCluster cluster) throws Exception {
        RunFigures figures = new RunFigures();
        Measurements.awaitSteady(cluster);
        LockSupport.parkNanos(SETTLE.toNanos());
        List<AgentProcess> agents = cluster.nodes();
        long clockTicks = clockTicksPerSecond();
        Map<String, Long> pids = new LinkedHashMap<>();
        agents.forEach(a -> pids.put(a.name(), a.pid()));

        Map<String, Double> etcdBefore = etcdReceived(context);
        Map<String, Long> cpuBefore = new HashMap<>();
        Map<String, Long> threadsBefore = new HashMap<>();
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            cpuBefore.put(e.getKey(), cpuTicks(e.getValue()));
            threadTicks(e.getValue()).forEach((thread, ticks) -> threadsBefore.merge(thread, ticks, Long::sum));
        }
        long start = System.nanoTime();
        Map<String, Long> rssMaxKb = new HashMap<>();
        long end = start + context.footprintSample().toNanos();
        while (System.nanoTime() - end < 0) {
            for (Map.Entry<String, Long> e : pids.entrySet()) {
                rssMaxKb.merge(e.getKey(), rssKb(e.getValue()), Math::max);
            }
            LockSupport.parkNanos(Math.min(RSS_SAMPLE_EVERY.toNanos(), Math.max(1, end - System.nanoTime())));
        }
        Map<String, Double> etcdAfter = etcdReceived(context);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Long> threadsAfter = new HashMap<>();
        for (long pid : pids.values()) {
            threadTicks(pid).forEach((thread, ticks) -> threadsAfter.merge(thread, ticks, Long::sum));
        }
        Map<String, Double> cpuPercent = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            rssMaxKb.merge(e.getKey(), rssKb(e.getValue()), Math::max);
            double used = (cpuTicks(e.getValue()) - cpuBefore.get(e.getKey())) / (double) clockTicks;
            cpuPercent.put(e.getKey(), 100.0 * used / seconds);
        }

        figures.put(Figure.AGENT_RSS_MAX, rssMaxKb.values().stream().mapToLong(Long::longValue).max().orElse(0) / 1024.0);
        figures.put(Figure.AGENT_CPU_MAX, cpuPercent.values().stream().mapToDouble(Double::doubleValue).max().orElse(0));
        figures.put(Figure.AGENT_CPU_MEAN, cpuPercent.values().stream().mapToDouble(Double::doubleValue).average().orElse(0));
        Map<String, Double> perMethod = new TreeMap<>();
        etcdAfter.forEach((method, value) -> perMethod.put(method, (value - etcdBefore.getOrDefault(method, 0.0)) / seconds));
        double total = perMethod.values().stream().mapToDouble(Double::doubleValue).sum();
        figures.put(Figure.ETCD_RPS_TOTAL, total);
        figures.put(Figure.ETCD_RPS_PER_MEMBER, total / members);
        figures.note("sample", String.format(java.util.Locale.ROOT, "%.0f s, %d etcd member(s)", seconds,
                context.etcd().size()));
        figures.note("per_agent", agents.stream().map(a -> String.format(java.util.Locale.ROOT, "%s %.0f MB %.2f %%",
                a.name(), rssMaxKb.get(a.name()) / 1024.0, cpuPercent.get(a.name()))).collect(Collectors.joining(", ")));
        double allThreads = threadsAfter.entrySet().stream()
                .mapToLong(e -> e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L)).sum();
        figures.note("agent_cpu_by_thread", "share of the agents' CPU by JVM thread name: " + threadsAfter.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .map(e -> String.format(java.util.Locale.ROOT, "%s %.0f %%", e.getKey(), 100.0 * e.getValue() / allThreads))
                .collect(Collectors.joining(", ")));
        figures.note("etcd_per_method", perMethod.entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> String.format(java.util.Locale.ROOT, "%s %.2f/s", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", ")));
        return figures;
    }

    /** {@code grpc_server_msg_received_total} per gRPC method, summed over every etcd member. */
    private static Map<String, Double> etcdReceived(BenchContext context) throws IOException, InterruptedException {
        Map<String, Double> sums = new TreeMap<>();
        for (String endpoint : context.etcd().clientEndpoints()) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = RECEIVED.matcher(response.body());
            while (m.find()) {
                Matcher method = METHOD.matcher(m.group(1));
                String name = method.find() ? method.group(1) : "?";
                sums.merge(name, Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        return sums;
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/pid/stat, after the command). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state): utime is field 14, stime field 15
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * utime + stime per thread name of a process (from {@code /proc/<pid>/task/<tid>/stat}), numbers
     * stripped from names so pools add up ({@code vert.x-eventloop-thread-0} and {@code -1} together).
     */
    private static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> out = new HashMap<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                out.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
            }
        }
        return out;
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    private static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
