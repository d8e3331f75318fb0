package io.regent.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code fence} and {@code watchdog} sections: defaults, Patroni's spellings, and what is refused. */
class FenceAndWatchdogConfigTest {

    private static final String BASE = """
            scope: demo
            name: node1
            etcd: {endpoints: [http://127.0.0.1:2379]}
            restapi: {listen: 127.0.0.1:8008, connect_address: 127.0.0.1:8008}
            postgresql:
              listen: 127.0.0.1:5432
              connect_address: 127.0.0.1:5432
              data_dir: /var/lib/regent/node1
              bin_dir: /usr/lib/postgresql/15/bin
              authentication:
                superuser: {username: postgres, password: secret1}
                replication: {username: replicator, password: secret2}
            bootstrap:
              dcs: {ttl: 10, loop_wait: 1, retry_timeout: 3}
            """;

    private static final ConfigLoader LOADER = new ConfigLoader(Map.of());

    private static NodeConfig parse(String extra) {
        return LOADER.parse(BASE + extra);
    }

    private static ConfigException rejection(String extra) {
        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> parse(extra));
        assertThat(failure).as("the configuration is rejected").isNotNull();
        return failure;
    }

    @Nested
    class Defaults {

        private final NodeConfig config = parse("");

        @Test
        void theFenceRunsWithATwoSecondMarginAndItsSocketBesideTheDataDirectory() {
            assertThat(config.fence().enabled()).isTrue();
            assertThat(config.fence().safetyMargin()).isEqualTo(2);
            assertThat(config.fenceSocket()).isEqualTo(Path.of("/var/lib/regent/node1.fence.sock"));
        }

        @Test
        void theWatchdogIsAutomaticOnDevWatchdogWithPatronisFiveSecondMargin() {
            assertThat(config.watchdog().mode()).isEqualTo(WatchdogMode.AUTOMATIC);
            assertThat(config.watchdog().device()).isEqualTo(Path.of("/dev/watchdog"));
            assertThat(config.watchdog().safetyMargin()).isEqualTo(5);
        }
    }

    @Nested
    class Accepted {

        @Test
        void aFenceWithItsOwnSocketAndMargin() {
            NodeConfig config = parse("fence: {safety_margin: 3, socket: /run/regent/fence.sock}\n");

            assertThat(config.fence().safetyMargin()).isEqualTo(3);
            assertThat(config.fenceSocket()).isEqualTo(Path.of("/run/regent/fence.sock"));
        }

        @Test
        void aDisabledFenceIsNotCheckedFurther() {
            assertThat(parse("fence: {enabled: false, safety_margin: 0}\n").fence().enabled()).isFalse();
        }

        @ParameterizedTest(name = "mode: {0} is {1}")
        @CsvSource({"off, OFF", "false, OFF", "'off', OFF", "automatic, AUTOMATIC", "auto, AUTOMATIC", "on, AUTOMATIC",
                "true, AUTOMATIC", "required, REQUIRED", "require, REQUIRED", "Required, REQUIRED"})
        void patronisSpellingsOfTheWatchdogMode(String spelling, WatchdogMode mode) {
            assertThat(parse("watchdog: {mode: " + spelling + "}\n").watchdog().mode()).isEqualTo(mode);
        }

        @Test
        void aWatchdogStandIn() {
            NodeConfig config = parse("watchdog: {mode: required, device: /tmp/fake-watchdog, safety_margin: 4}\n");

            assertThat(config.watchdog().device()).isEqualTo(Path.of("/tmp/fake-watchdog"));
            assertThat(config.watchdog().safetyMargin()).isEqualTo(4);
        }
    }

    @Nested
    class Refused {

        @Test
        void aFenceMarginOfZero() {
            assertThat(rejection("fence: {safety_margin: 0}\n")).hasMessage("fence.safety_margin: must be >= 1 s (got 0)");
        }

        @Test
        void aFenceMarginThatWouldFireBetweenTwoRenewals() {
            assertThat(rejection("fence: {safety_margin: 9}\n")).hasMessageStartingWith(
                    "fence.safety_margin: must be < ttl - loop_wait = 9 (bootstrap.dcs), or the fence would stop a healthy leader");
        }

        @Test
        void aRelativeSocketPath() {
            assertThat(rejection("fence: {socket: fence.sock}\n")).hasMessage(
                    "fence.socket: must be an absolute path (got 'fence.sock')");
        }

        @Test
        void aSocketPathLongerThanUnixAllows() {
            String deep = "/var/lib/" + "d".repeat(100) + "/node1";
            ConfigException failure = catchThrowableOfType(ConfigException.class,
                    () -> LOADER.parse(BASE.replace("/var/lib/regent/node1", deep)));

            assertThat(failure.field()).isEqualTo("fence.socket");
            assertThat(failure.getMessage()).contains("the default beside the data directory").contains("at most 107");
        }

        @Test
        void anUnknownWatchdogMode() {
            assertThat(rejection("watchdog: {mode: sometimes}\n")).hasMessage(
                    "watchdog.mode: must be off, automatic or required (got 'sometimes')");
        }

        @Test
        void aRelativeDevice() {
            assertThat(rejection("watchdog: {device: watchdog0}\n")).hasMessage(
                    "watchdog.device: must be an absolute path (got 'watchdog0')");
        }

        @Test
        void aWatchdogMarginLeavingNoTimeForALoop() {
            assertThat(rejection("watchdog: {safety_margin: 9}\n")).hasMessageStartingWith(
                    "watchdog.safety_margin: ttl - safety_margin (the longest device timeout allowed) must be > loop_wait = 1");
        }

        @Test
        void aNegativeWatchdogMargin() {
            assertThat(rejection("watchdog: {safety_margin: -1}\n")).hasMessage(
                    "watchdog.safety_margin: must be >= 0 (got -1)");
        }

        @Test
        void anUnknownFieldInEitherSection() {
            assertThat(rejection("watchdog: {timeout: 20}\n").field()).isEqualTo("watchdog.timeout");
            assertThat(rejection("fence: {margin: 2}\n").field()).isEqualTo("fence.margin");
        }
    }
}
