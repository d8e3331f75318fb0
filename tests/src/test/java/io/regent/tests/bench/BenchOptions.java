package io.regent.tests.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line: {@code --runs K} (default 5; 2 with --quick), {@code --quick},
 * {@code --scenario NAME} (repeatable), {@code --out DIR} (default {@code bench/results} under the
 * checkout), {@code --footprint-seconds S} (default 60), {@code --keep-logs}.
 */
record BenchOptions(int runs, boolean runsGiven, boolean quick, List<String> scenarios, Path outDir, int footprintSeconds, boolean keepLogs) {

    static final int DEFAULT_RUNS = 5;
    static final int QUICK_RUNS = 2;

    static final String USAGE = """
            Usage: bin/bench [--quick] [--runs K] [--scenario NAME]... [--out DIR] [--footprint-seconds S] [--keep-logs]
              --quick              fewer scenarios and runs: host-loss, postgres-crash and switchover twice, the others
                                   once, no scaling-4 (about 12 minutes on 2 cores)
              --runs K             runs per scenario (default 5; with --quick, every scenario K times);
                                   footprint runs once
              --scenario NAME      run only this scenario or group (repeatable); scenarios: %s; groups: %s
              --out DIR            where to write the report (default: bench/results in the checkout)
              --footprint-seconds S  length of the idle footprint sample (default 60)
              --keep-logs          keep every run's cluster directory (agent logs) under /tmp/regent-it
            """;

    static BenchOptions parse(String[] args, Path defaultOut) {
        Integer runs = null;
        boolean quick = false;
        List<String> scenarios = new ArrayList<>();
        Path out = defaultOut;
        int footprint = 60;
        boolean keepLogs = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> quick = true;
                case "--keep-logs" -> keepLogs = true;
                case "--runs" -> runs = positive(arg, value(args, ++i, arg));
                case "--scenario" -> scenarios.add(value(args, ++i, arg));
                case "--out" -> out = Path.of(value(args, ++i, arg));
                case "--footprint-seconds" -> footprint = positive(arg, value(args, ++i, arg));
                case "-h", "--help" -> throw new UsageException(null);
                default -> throw new UsageException("unknown option " + arg);
            }
        }
        Scenarios.select(scenarios, quick); // fails early on an unknown name
        return new BenchOptions(runs != null ? runs : quick ? QUICK_RUNS : DEFAULT_RUNS, runs != null, quick, List.copyOf(scenarios),
                out.toAbsolutePath().normalize(), footprint, keepLogs);
    }

    static String usage() {
        return String.format(USAGE, String.join(", ", Scenarios.names()), String.join(", ", Scenarios.groups()));
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 1) {
                throw new UsageException(option + " must be at least 1 (got " + value + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a number (got " + value + ")");
        }
    }

    /** A wrong command line: the message (null for --help) and the usage are printed, exit code 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
