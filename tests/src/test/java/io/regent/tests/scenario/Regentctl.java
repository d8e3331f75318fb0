package io.regent.tests.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the built {@code regentctl} jar as an operator would, and returns what it printed. */
final class Regentctl {

    private static final String JAR = System.getProperty("regentctl.jar", "../controller/target/regentctl.jar");

    private Regentctl() {
    }

    /** {@code --etcd … --scope … --timeout …} for {@code cluster}, followed by {@code command}. */
    static String[] against(io.regent.tests.fixture.EtcdServerExtension etcd, io.regent.tests.fixture.RegentCluster cluster,
                            String... command) {
        List<String> args = new ArrayList<>(List.of("--etcd", String.join(",", etcd.clientEndpoints()), "--scope", cluster.scope(),
                "--timeout", Long.toString(io.regent.tests.fixture.Timing.seconds(10).toSeconds())));
        args.addAll(List.of(command));
        return args.toArray(String[]::new);
    }

    /** What one run printed and its exit code. */
    record Result(int exitCode, String out, String err) {
    }

    /** Runs to the end whatever the exit code; stdin is empty and not a terminal. */
    static Result exec(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-jar", JAR));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("regentctl did not finish within 30 s");
        }
        return new Result(process.exitValue(), out, new String(err.join(), StandardCharsets.UTF_8));
    }

    /** Standard output of a successful run; a non-zero exit fails with what it printed on stderr. */
    static String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-jar", JAR));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("regentctl did not finish within 30 s");
        }
        if (process.exitValue() != 0) {
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            throw new AssertionError("regentctl " + String.join(" ", args) + " exited " + process.exitValue() + ": " + err);
        }
        return out;
    }
}
