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
