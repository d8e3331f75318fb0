package io.regent.tests.bench;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * How {@code bin/bench} starts the runner: failsafe runs this one class in the {@code bench} profile
 * (it is not an {@code *IT}, so {@code mvn verify} never runs it), passing the command line in the
 * system property {@code bench.args} (split on spaces). A wrong command line or a benchmark that could
 * not write its report fails it, and with it the build's exit code.
 */
class BenchLauncher {

    @Test
    void runTheBenchmark() throws Exception {
        String line = System.getProperty("bench.args", "").trim();
        String[] args = line.isEmpty() ? new String[0] : line.split("\\s+");
        try {
            Path report = BenchMain.run(args, System.out);
            System.out.println("report: " + report);
            System.out.println("json:   " + BenchMain.json(report));
        } catch (BenchOptions.UsageException e) {
            System.out.print((e.getMessage() == null ? "" : "bench: " + e.getMessage() + "\n") + BenchOptions.usage());
            if (e.getMessage() != null) {
                throw e;
            }
        }
    }
}
