package io.regent.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.controller.fixture.FakeAdmin;
import io.regent.controller.fixture.Views;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** show-config, edit-config, pause and resume against an in-memory config key with the real compare-and-swap contract. */
class ConfigCommandsTest {

    private static final String CONFIG = "{\"ttl\":10,\"loop_wait\":1,\"retry_timeout\":3,"
            + "\"maximum_lag_on_failover\":1048576,\"replication_password\":\"hunter2\"}";

    @TempDir
    Path dir;

    private final FakeAdmin admin = new FakeAdmin(Views.healthyDemo(), CONFIG);

    @Test
    void showConfigPrintsTheStoredValueAsYamlWithSecretsMasked() {
        CommandRun run = CommandRun.of(admin, "show-config");

        assertThat(run.exitCode).isZero();
        assertThat(run.out()).contains("ttl: 10\n", "loop_wait: 1\n", "replication_password: '******'")
                .doesNotContain("hunter2");
    }

    @Test
    void showConfigWithoutAConfigKeySaysSo() {
        CommandRun run = CommandRun.of(new FakeAdmin(Views.healthyDemo(), null), "show-config");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err()).isEqualTo("regentctl: cluster demo has no config key (/service/demo/config): not bootstrapped yet,"
                + " or a wrong --scope/--namespace\n");
    }

    @Test
    void editConfigShowsTheDiffAndWritesOnConfirmation() {
        ScriptedTerminal terminal = new ScriptedTerminal("y");

        CommandRun run = CommandRun.of(admin, terminal, Map.of(), "edit-config", "--set", "loop_wait=2", "-s", "pause=true");

        assertThat(run.exitCode).isZero();
        assertThat(run.out()).contains("- loop_wait: 1\n", "+ loop_wait: 2\n", "+ pause: true\n",
                "Config of cluster demo changed (revision 50 -> 101).").doesNotContain("hunter2");
        assertThat(terminal.prompts).containsExactly("Apply these changes to the config of cluster demo? [y/N]: ");
        assertThat(admin.config).contains("\"loop_wait\":2", "\"pause\":true", "\"replication_password\":\"hunter2\"");
    }

    @Test
    void editConfigWritesNothingWhenTheOperatorSaysNo() {
        CommandRun run = CommandRun.of(admin, new ScriptedTerminal("n"), Map.of(), "edit-config", "--set", "loop_wait=2");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err()).isEqualTo("regentctl: aborted: did not change the config of cluster demo\n");
        assertThat(admin.configWrites).isZero();
    }

    @Test
    void withoutATerminalAndWithoutForceEditConfigRefuses() {
        CommandRun run = CommandRun.of(admin, "edit-config", "--set", "loop_wait=2");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err()).isEqualTo("regentctl: not confirmed: no terminal to ask whether to change the config of cluster demo"
                + " (add --force to go ahead)\n");
        assertThat(admin.configWrites).isZero();
    }

    @Test
    void aConcurrentChangeBetweenReadAndWriteFailsCleanly() {
        admin.beforeCompare = () -> admin.concurrentWrite(CONFIG.replace("\"ttl\":10", "\"ttl\":12"));

        CommandRun run = CommandRun.of(admin, "edit-config", "--set", "loop_wait=2", "--force");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err()).isEqualTo("regentctl: conflict: the config of cluster demo changed concurrently"
                + " (based on revision 50, now revision 101); nothing written, run the command again\n");
        assertThat(admin.config).contains("\"ttl\":12", "\"loop_wait\":1");
    }

    @Test
    void anExpectedRevisionThatIsNoLongerCurrentFailsBeforeAnythingIsAsked() {
        CommandRun run = CommandRun.of(admin, "edit-config", "--set", "loop_wait=2", "--expect-revision", "49", "--force");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err()).startsWith("regentctl: conflict: the config of cluster demo changed concurrently (based on revision 49");
        assertThat(admin.configWrites).isZero();
    }

    @Test
    void aConfigTheAgentsWouldRejectIsRefusedWithTheirReason() {
        CommandRun run = CommandRun.of(admin, "edit-config", "--set", "ttl=1", "--force");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err()).isEqualTo("regentctl: refused: the agents would reject this config:"
                + " config.ttl: must be >= loop_wait + 2*retry_timeout = 7 (got 1) (nothing written)\n");
        assertThat(admin.config).isEqualTo(CONFIG);
        assertThat(CommandRun.of(admin, "edit-config", "--set", "pause=maybe", "--force").err())
                .isEqualTo("regentctl: refused: the agents would reject this config: pause must be true or false (nothing written)\n");
    }

    @Test
    void applyMergesAFileThenSetsOverride() throws Exception {
        Path patch = Files.writeString(dir.resolve("patch.yml"), "loop_wait: 2\nretry_timeout: 2\nreplication_password: null\n");

        CommandRun run = CommandRun.of(admin, "edit-config", "--apply", patch.toString(), "--set", "loop_wait=3", "--force");

        assertThat(run.exitCode).isZero();
        assertThat(admin.config).contains("\"loop_wait\":3", "\"retry_timeout\":2").doesNotContain("password");
    }

    @Test
    void anUnchangedConfigIsNotWritten() {
        CommandRun run = CommandRun.of(admin, "edit-config", "--set", "loop_wait=1", "--force");

        assertThat(run.exitCode).isZero();
        assertThat(run.out()).isEqualTo("No changes: the config of cluster demo already says so.\n");
        assertThat(admin.configWrites).isZero();
    }

    @Test
    void editConfigWithNothingToChangeOrABadAssignmentIsAUsageError() {
        assertThat(CommandRun.of(admin, "edit-config").exitCode).isEqualTo(2);
        CommandRun bad = CommandRun.of(admin, "edit-config", "--set", "ttl.x=1", "--force");
        assertThat(bad.exitCode).isEqualTo(2);
        assertThat(bad.err()).startsWith("regentctl: --set ttl.x: ttl is not a mapping (it is 10)\n");
    }

    @Test
    void pauseAndResumeFlipThePauseFlagAndSayWhatChanged() {
        CommandRun pause = CommandRun.of(admin, "pause", "--force");
        assertThat(pause.exitCode).isZero();
        assertThat(pause.out()).isEqualTo("Paused cluster demo: pause false -> true in the config key (revision 50 -> 101).\n");
        assertThat(admin.config).contains("\"pause\":true");

        assertThat(CommandRun.of(admin, "pause", "--force").out()).isEqualTo("Cluster demo is already paused; nothing changed.\n");

        CommandRun resume = CommandRun.of(admin, "resume", "--force");
        assertThat(resume.exitCode).isZero();
        assertThat(resume.out()).isEqualTo("Resumed cluster demo: pause true -> false in the config key (revision 101 -> 102).\n");
        assertThat(admin.config).contains("\"pause\":false");
    }

    @Test
    void pauseWithoutATerminalRefusesUnlessForced() {
        CommandRun run = CommandRun.of(admin, "pause");

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err()).isEqualTo("regentctl: not confirmed: no terminal to ask whether to pause cluster demo (add --force to go ahead)\n");
        assertThat(admin.configWrites).isZero();
    }
}
