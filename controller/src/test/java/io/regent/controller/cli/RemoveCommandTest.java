package io.regent.controller.cli;

import static io.regent.controller.fixture.Views.cluster;
import static io.regent.controller.fixture.Views.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.regent.controller.fixture.FakeAdmin;
import io.regent.controller.fixture.Views;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RemoveCommandTest {

    private final FakeAdmin stopped = new FakeAdmin(cluster(null, member("node1").build()), "{\"ttl\":10}");
    private final FakeAdmin running = new FakeAdmin(Views.healthyDemo(), "{\"ttl\":10}");

    @Test
    void theOperatorMustTypeTheClusterName() {
        ScriptedTerminal terminal = new ScriptedTerminal("demo");

        CommandRun run = CommandRun.of(stopped, terminal, Map.of(), "remove");

        assertThat(run.exitCode).isZero();
        assertThat(terminal.prompts).containsExactly("You are about to delete every key of cluster demo under /service/demo/."
                + " Type the cluster name to confirm: ");
        assertThat(run.out()).isEqualTo("Removed cluster demo: deleted 3 keys under /service/demo/.\n");
        assertThat(stopped.removed).isTrue();
    }

    @Test
    void anotherNameOrNoTerminalRemovesNothing() {
        CommandRun wrong = CommandRun.of(stopped, new ScriptedTerminal("yes"), Map.of(), "remove");
        assertThat(wrong.exitCode).isEqualTo(1);
        assertThat(wrong.err()).isEqualTo("regentctl: aborted: 'yes' is not the cluster name 'demo'; did not remove cluster demo\n");

        CommandRun noTerminal = CommandRun.of(stopped, "remove", "--force");
        assertThat(noTerminal.exitCode).isEqualTo(1);
        assertThat(noTerminal.err()).isEqualTo("regentctl: not confirmed: no terminal to ask whether to remove cluster demo"
                + " (give the cluster name with --confirm NAME)\n");
        assertThat(stopped.removed).isFalse();

        assertThat(CommandRun.of(stopped, "remove", "--confirm", "demo").exitCode).isZero();
        assertThat(stopped.removed).isTrue();
    }

    @Test
    void aClusterWithALeaderIsRefusedUnlessForced() {
        CommandRun refused = CommandRun.of(running, "remove", "--confirm", "demo");
        assertThat(refused.exitCode).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("regentctl: refused: node1 holds the leader key of cluster demo (its agents are running);"
                + " stop every agent first, or add --force (nothing removed)\n");
        assertThat(running.removed).isFalse();

        assertThat(CommandRun.of(running, "remove", "--confirm", "demo", "--force").exitCode).isZero();
        assertThat(running.removed).isTrue();
    }
}
