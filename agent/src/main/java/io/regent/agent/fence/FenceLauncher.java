package io.regent.agent.fence;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the fence process detached from the agent ({@code setsid -f}: its own session, re-parented
 * away from the agent), so that neither the agent's death nor a signal to the agent's process group or
 * terminal takes it down: it must outlive the agent to enforce a dead agent's last deadline. It writes
 * to the agent's stdout/stderr (the agent's log, or the journal), and runs the agent's own Java and
 * class path with a tiny heap.
 */
final class FenceLauncher implements Runnable {

    /**
     * A tiny heap and no JIT (the fence computes nothing; interpreting saves the compiler threads and code
     * cache): measured RSS about 39 MB, of which about 20 MB private, the rest the JVM's shared files.
     */
    static final List<String> JVM_OPTIONS = List.of("-Xms2m", "-Xmx16m", "-XX:+UseSerialGC", "-Xint",
            "-XX:MaxMetaspaceSize=16m", "-Xss256k", "-XX:-UsePerfData");

    private final List<String> command;

    FenceLauncher(String member, Path socket, Path dataDir) {
        List<String> line = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) {
            line.add(setsid.toString());
            line.add("-f");
        }
        line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        line.addAll(JVM_OPTIONS);
        line.add("-cp");
        line.add(System.getProperty("java.class.path"));
        line.add(FenceMain.class.getName());
        line.addAll(List.of("--socket", socket.toString(), "--data-dir", dataDir.toString(), "--name", member));
        this.command = List.copyOf(line);
    }

    List<String> command() {
        return command;
    }

    @Override
    public void run() {
        try {
            Process launcher = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            // setsid -f returns once it has forked the fence; without setsid this is the fence itself
            launcher.waitFor(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fence process: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
