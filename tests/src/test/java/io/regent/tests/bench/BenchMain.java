package io.regent.tests.bench;

import io.regent.tests.fixture.EtcdServerExtension;
import io.regent.tests.fixture.NetNs;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The benchmark runner (issue 7): runs the chosen scenarios K times each against real etcd and
 * real PostgreSQL with the agents as OS processes (the end-to-end fixtures), prints progress, and
 * writes a Markdown and a JSON report. Started by {@code bin/bench} through the {@code bench} Maven
 * profile of the tests module; {@link #run} is what the smoke test calls.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) {
        int code;
        try {
            Path report = run(args, System.out);
            System.out.println("report: " + report);
            System.out.println("json:   " + json(report));
            code = 0;
        } catch (BenchOptions.UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("bench: " + e.getMessage());
            }
            System.err.print(BenchOptions.usage());
            code = e.getMessage() == null ? 0 : 2;
        } catch (Exception e) {
            System.err.println("bench: " + e);
            e.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

    /** The JSON report next to a Markdown one. */
    public static Path json(Path markdown) {
        String name = markdown.getFileName().toString();
        return markdown.resolveSibling(name.substring(0, name.length() - ".md".length()) + ".json");
    }

    /**
     * Runs the benchmark and writes the report.
     *
     * @return the Markdown report (the JSON one is {@link #json(Path)} of it)
     * @throws BenchOptions.UsageException on a wrong command line
     */
    public static Path run(String[] args, PrintStream out) throws Exception {
        Path defaultOut = Path.of(System.getProperty("regent.home", "."), "bench", "results");
        BenchOptions options = BenchOptions.parse(args, defaultOut);
        List<BenchScenario> scenarios = Scenarios.select(options.scenarios(), options.quick());
        HaSettings settings = HaSettings.scenarioDefaults();
        List<String> commandLine = new ArrayList<>(List.of("bin/bench"));
        commandLine.addAll(List.of(args));

        // the partition scenarios run each node in a network namespace, reaching etcd over a bridge;
        // without root their runs fail with the reason, and the other scenarios run as usual
        boolean wanted = scenarios.stream().anyMatch(BenchScenario::needsNetworkNamespaces);
        Optional<NetNs> networks = wanted && NetNs.available() ? Optional.of(NetNs.create().start()) : Optional.empty();
        EtcdServerExtension.Builder etcdBuilder = EtcdServerExtension.builder();
        networks.ifPresent(lab -> etcdBuilder.alsoListenOn(lab::hostAddress));
        EtcdServerExtension etcd = etcdBuilder.build();
        try {
            etcd.start();
            BenchContext context = new BenchContext(etcd, networks, settings, Duration.ofSeconds(options.footprintSeconds()),
                    options.keepLogs(), out);
            Report report = new Report(commandLine, options, Environment.machine(), Environment.versions(etcd), settings);
            long begin = System.nanoTime();
            context.progress("%d scenario(s): %s; ttl %d s, loop_wait %d s, retry_timeout %d s", scenarios.size(),
                    scenarios.stream().map(BenchScenario::name).toList(), settings.ttl(), settings.loopWait(),
                    settings.retryTimeout());
            for (BenchScenario scenario : scenarios) {
                report.add(runScenario(context, scenario, Scenarios.runs(scenario, options)));
            }
            Path written = report.write(options.outDir());
            context.progress("done in %d s", Duration.ofNanos(System.nanoTime() - begin).toSeconds());
            out.println();
            report.markdown().lines().takeWhile(l -> !l.startsWith("## ")).forEach(out::println);
            return written;
        } finally {
            etcd.close();
            networks.ifPresent(NetNs::close);
        }
    }

    private static Report.ScenarioResult runScenario(BenchContext context, BenchScenario scenario, int runs) {
        List<RunFigures> completed = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            context.progress("%s run %d/%d: %s", scenario.name(), i, runs, scenario.description());
            long start = System.nanoTime();
            String loadBefore = Environment.loadAverage();
            try {
                RunFigures figures = scenario.run(context);
                figures.note("load_average", "1-minute load average " + loadBefore + " before the run, "
                        + Environment.loadAverage() + " after, on " + Runtime.getRuntime().availableProcessors() + " cores");
                completed.add(figures);
                context.progress("%s run %d/%d done in %d s: %s", scenario.name(), i, runs,
                        Duration.ofNanos(System.nanoTime() - start).toSeconds(), figures.summary());
                figures.notes().forEach((k, v) -> context.progress("    %s: %s", k, v));
            } catch (Exception | AssertionError e) {
                failures.add("run " + i + ": " + e);
                context.progress("%s run %d/%d could not be carried out: %s", scenario.name(), i, runs, e);
            }
        }
        return new Report.ScenarioResult(scenario, runs, completed, failures);
    }
}
