package io.regent.tests.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import io.regent.tests.fixture.UnprivilegedUser;

/** The agent refuses bad input at the door: a clear message, a distinct exit code, nothing started. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AgentCommandLineIT {

    private static final String AGENT_JAR = System.getProperty("regent.agent.jar", "../agent/target/regent-agent.jar");

    private Path dir;

    @BeforeEach
    void workDirectoryOwnedByTheServerUser() {
        dir = UnprivilegedUser.newWorkDir("cli");
    }

    @AfterEach
    void removeWorkDirectory() throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aMalformedConfigurationStopsTheAgentWithExitCode2AndTheFieldPath() throws Exception {
        Path config = dir.resolve("bad.yml");
        Files.writeString(config, """
                scope: demo
                name: node1
                etcd:
                  endpoints: [http://127.0.0.1:2379]
                restapi:
                  listen: 127.0.0.1:70000
                  connect_address: 127.0.0.1:8008
                """);

        Result result = runAgent(false, config);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("restapi.listen").contains("port must be 1..65535 (got 70000)");
    }

    @Test
    void aMissingConfigurationFileIsReportedByName() throws Exception {
        Result result = runAgent(false, dir.resolve("absent.yml"));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("configuration file not found").contains("absent.yml");
    }

    @Test
    void theAgentRefusesToRunAsRoot() throws Exception {
        assumeTrue(UnprivilegedUser.jvmIsRoot(), "only meaningful when the tests run as root");
        Result result = runAgent(true, dir.resolve("any.yml"));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("refusing to run as root");
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs the agent jar as the server user (as root: through the harness's privilege switch) or as root itself. */
    private Result runAgent(boolean asRoot, Path config) throws IOException, InterruptedException {
        Path jar = Files.copy(Path.of(AGENT_JAR), dir.resolve("regent-agent.jar"));
        UnprivilegedUser.chown(dir);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), config.toString());
        ProcessBuilder builder = asRoot ? new ProcessBuilder(command) : UnprivilegedUser.serverProcess(command, dir);
        Process process = builder.redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the agent did not exit within 60 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
