package io.regent.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.regent.common.model.Tags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

    /** Distinctive, so that finding them in a message can only mean a leak. */
    private static final String SUPERUSER_PASSWORD = "Zq8-superuser-pw";
    private static final String REPLICATION_PASSWORD = "Zq8-replication-pw";

    private static final String VALID = """
            scope: demo
            name: node1
            namespace: /service/
            etcd:
              endpoints: [http://127.0.0.1:2379]
            restapi:
              listen: 127.0.0.1:8008
              connect_address: 127.0.0.1:8008
            postgresql:
              listen: 127.0.0.1:5432
              connect_address: 127.0.0.1:5432
              data_dir: /var/lib/regent/node1
              bin_dir: /usr/lib/postgresql/15/bin
              authentication:
                superuser: {username: postgres, password: %s}
                replication: {username: replicator, password: %s}
              parameters: {max_connections: 100}
            tags: {priority: 100, location: default, nofailover: false}
            bootstrap:
              dcs: {ttl: 10, loop_wait: 1, retry_timeout: 3, maximum_lag_on_failover: 1048576}
            """.formatted(SUPERUSER_PASSWORD, REPLICATION_PASSWORD);

    private static final ConfigLoader NO_ENVIRONMENT = new ConfigLoader(Map.of());

    /** VALID with {@code target} replaced; fails loudly if {@code target} is not there (no silent no-op edits). */
    private static String validWith(String target, String replacement) {
        assertThat(VALID).as("the valid YAML contains the text to replace").contains(target);
        return VALID.replace(target, replacement);
    }

    private static String validWithout(String line) {
        return validWith(line, "");
    }

    private static ConfigException rejection(ConfigLoader loader, String yaml) {
        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> loader.parse(yaml));
        assertThat(failure).as("the configuration is rejected").isNotNull();
        return failure;
    }

    @Nested
    class AValidFile {

        private final NodeConfig config = NO_ENVIRONMENT.parse(VALID);

        @Test
        void namesTheClusterTheMemberAndTheNamespace() {
            assertThat(config.scope()).isEqualTo("demo");
            assertThat(config.name()).isEqualTo("node1");
            assertThat(config.namespace()).isEqualTo("/service/");
        }

        @Test
        void listsTheEtcdEndpoints() {
            assertThat(config.etcd().endpoints()).containsExactly("http://127.0.0.1:2379");
        }

        @Test
        void parsesTheRestApiAddresses() {
            assertThat(config.restapi().listen()).isEqualTo(new HostPort("127.0.0.1", 8008));
            assertThat(config.restapi().connectAddress()).isEqualTo(new HostPort("127.0.0.1", 8008));
            assertThat(config.restapi().url()).isEqualTo("http://127.0.0.1:8008");
        }

        @Test
        void parsesThePostgresAddressesAndPaths() {
            PostgresConfig pg = config.postgresql();
            assertThat(pg.listen()).isEqualTo(new HostPort("127.0.0.1", 5432));
            assertThat(pg.connectAddress().port()).isEqualTo(5432);
            assertThat(pg.dataDir()).isEqualTo(Path.of("/var/lib/regent/node1"));
            assertThat(pg.binDir()).isEqualTo(Path.of("/usr/lib/postgresql/15/bin"));
            assertThat(pg.connUrl()).isEqualTo("postgres://127.0.0.1:5432/postgres");
        }

        @Test
        void putsThePgpassFileNextToTheDataDirectoryWhenNotGiven() {
            assertThat(config.postgresql().pgpass()).isEqualTo(Path.of("/var/lib/regent/node1.pgpass"));
        }

        @Test
        void readsBothRolesWithTheirPasswords() {
            Authentication auth = config.postgresql().authentication();
            assertThat(auth.superuser().username()).isEqualTo("postgres");
            assertThat(auth.superuser().password().reveal()).isEqualTo(SUPERUSER_PASSWORD);
            assertThat(auth.replication().username()).isEqualTo("replicator");
            assertThat(auth.replication().password().reveal()).isEqualTo(REPLICATION_PASSWORD);
        }

        @Test
        void keepsExtraPostgresParameters() {
            assertThat(config.postgresql().parameters()).containsExactly(Map.entry("max_connections", 100));
        }

        @Test
        void readsTheTags() {
            assertThat(config.tags()).isEqualTo(new Tags(100, "default", false, false));
        }

        @Test
        void readsTheBootstrapTimings() {
            HaConfig dcs = config.bootstrap().dcs();
            assertThat(dcs).isEqualTo(new HaConfig(10, 1, 3, 1_048_576L, null, null, null, null, null, null));
            assertThat(dcs.ttlDuration()).hasSeconds(10);
            assertThat(dcs.loopWaitDuration()).hasSeconds(1);
            assertThat(dcs.retryTimeoutDuration()).hasSeconds(3);
        }

        @Test
        void printsWithoutShowingAnyPassword() {
            assertThat(config.toString())
                    .contains("node1", "******")
                    .doesNotContain(SUPERUSER_PASSWORD, REPLICATION_PASSWORD);
        }
    }

    @Nested
    class Defaults {

        @Test
        void namespaceIsServiceWhenOmitted() {
            NodeConfig config = NO_ENVIRONMENT.parse(validWithout("namespace: /service/\n"));

            assertThat(config.namespace()).isEqualTo("/service/").isEqualTo(NodeConfig.DEFAULT_NAMESPACE);
        }

        @Test
        void tagsAreTheDefaultsWhenOmitted() {
            NodeConfig config = NO_ENVIRONMENT.parse(validWithout("tags: {priority: 100, location: default, nofailover: false}\n"));

            assertThat(config.tags()).isEqualTo(Tags.DEFAULTS);
        }

        @Test
        void omittedTagsFallBackOneByOne() {
            NodeConfig config = NO_ENVIRONMENT.parse(validWith("tags: {priority: 100, location: default, nofailover: false}",
                    "tags: {nofailover: true}"));

            assertThat(config.tags()).isEqualTo(new Tags(Tags.DEFAULT_PRIORITY, Tags.DEFAULT_LOCATION, true, false));
        }

        @Test
        void bootstrapTimingsAreTheDefaultsWhenOmitted() {
            NodeConfig config = NO_ENVIRONMENT.parse(validWithout(
                    "bootstrap:\n  dcs: {ttl: 10, loop_wait: 1, retry_timeout: 3, maximum_lag_on_failover: 1048576}\n"));

            assertThat(config.bootstrap().dcs()).isEqualTo(HaConfig.DEFAULTS);
        }

        @Test
        void anExplicitPgpassPathIsKept() {
            NodeConfig config = NO_ENVIRONMENT.parse(validWith("  bin_dir: /usr/lib/postgresql/15/bin\n",
                    "  bin_dir: /usr/lib/postgresql/15/bin\n  pgpass: /etc/regent/pgpass\n"));

            assertThat(config.postgresql().pgpass()).isEqualTo(Path.of("/etc/regent/pgpass"));
        }

        @Test
        void postgresParametersDefaultToAnEmptyMap() {
            NodeConfig config = NO_ENVIRONMENT.parse(validWithout("  parameters: {max_connections: 100}\n"));

            assertThat(config.postgresql().parameters()).isEmpty();
        }
    }

    @Nested
    class AcceptedVariants {

        @Test
        void aNamespaceWithoutTrailingSlashIsAccepted() {
            assertThat(NO_ENVIRONMENT.parse(validWith("namespace: /service/", "namespace: /regent")).namespace())
                    .isEqualTo("/regent");
        }

        @Test
        void aQuotedIpv6AddressIsAccepted() {
            NodeConfig config = NO_ENVIRONMENT.parse(validWith("  listen: 127.0.0.1:8008", "  listen: '[::1]:8008'"));

            assertThat(config.restapi().listen()).isEqualTo(new HostPort("::1", 8008));
        }

        @Test
        void theTimingsMayExactlyFillTheTtl() {
            NodeConfig config = NO_ENVIRONMENT.parse(validWith("ttl: 10", "ttl: 7"));

            assertThat(config.bootstrap().dcs().ttl()).isEqualTo(7);
        }

        @Test
        void severalEndpointsKeepTheirOrder() {
            NodeConfig config = NO_ENVIRONMENT.parse(validWith("endpoints: [http://127.0.0.1:2379]",
                    "endpoints: [http://10.0.0.2:2379, https://etcd.example.com:2379/, http://10.0.0.1:2379]"));

            assertThat(config.etcd().endpoints())
                    .containsExactly("http://10.0.0.2:2379", "https://etcd.example.com:2379/", "http://10.0.0.1:2379");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"n", "node1", "Node_1", "pg-1.dc2", "0node"})
        void memberNamesOfLettersDigitsAndPunctuationAreAccepted(String name) {
            assertThat(NO_ENVIRONMENT.parse(validWith("name: node1", "name: " + name)).name()).isEqualTo(name);
        }

        @Test
        void aMemberNameOf63CharactersIsAccepted() {
            String name = "n".repeat(63);

            assertThat(NO_ENVIRONMENT.parse(validWith("name: node1", "name: " + name)).name()).isEqualTo(name);
        }
    }

    @Nested
    class PasswordsFromTheEnvironment {

        @Test
        void overrideThePasswordsInTheFile() {
            ConfigLoader loader = new ConfigLoader(Map.of(
                    ConfigLoader.SUPERUSER_PASSWORD_ENV, "env-super",
                    ConfigLoader.REPLICATION_PASSWORD_ENV, "env-repl"));

            Authentication auth = loader.parse(VALID).postgresql().authentication();

            assertThat(auth.superuser().password().reveal()).isEqualTo("env-super");
            assertThat(auth.replication().password().reveal()).isEqualTo("env-repl");
            assertThat(auth.superuser().username()).isEqualTo("postgres");
        }

        @Test
        void overrideOnlyTheRoleWhoseVariableIsSet() {
            ConfigLoader loader = new ConfigLoader(Map.of(ConfigLoader.REPLICATION_PASSWORD_ENV, "env-repl"));

            Authentication auth = loader.parse(VALID).postgresql().authentication();

            assertThat(auth.superuser().password().reveal()).isEqualTo(SUPERUSER_PASSWORD);
            assertThat(auth.replication().password().reveal()).isEqualTo("env-repl");
        }

        @Test
        void allowOmittingThePasswordsFromTheFile() {
            String yaml = validWith("superuser: {username: postgres, password: " + SUPERUSER_PASSWORD + "}",
                    "superuser: {username: postgres}")
                    .replace("replication: {username: replicator, password: " + REPLICATION_PASSWORD + "}",
                            "replication: {username: replicator}");
            ConfigLoader loader = new ConfigLoader(Map.of(
                    ConfigLoader.SUPERUSER_PASSWORD_ENV, "env-super",
                    ConfigLoader.REPLICATION_PASSWORD_ENV, "env-repl"));

            Authentication auth = loader.parse(yaml).postgresql().authentication();

            assertThat(auth.superuser().password().reveal()).isEqualTo("env-super");
            assertThat(auth.replication().password().reveal()).isEqualTo("env-repl");
        }

        @Test
        void thatAreEmptyAreIgnored() {
            ConfigLoader loader = new ConfigLoader(Map.of(ConfigLoader.SUPERUSER_PASSWORD_ENV, ""));

            assertThat(loader.parse(VALID).postgresql().authentication().superuser().password().reveal())
                    .isEqualTo(SUPERUSER_PASSWORD);
        }

        @Test
        void doNotStandInForAMissingReplicationPassword() {
            String yaml = validWith("replication: {username: replicator, password: " + REPLICATION_PASSWORD + "}",
                    "replication: {username: replicator}");
            ConfigLoader loader = new ConfigLoader(Map.of(ConfigLoader.SUPERUSER_PASSWORD_ENV, "env-super"));

            ConfigException failure = rejection(loader, yaml);

            assertThat(failure.field()).isEqualTo("postgresql.authentication.replication.password");
            assertThat(failure.getMessage()).contains("is required").doesNotContain("env-super");
        }

        @Test
        void areNotShownWhenTheConfigIsPrinted() {
            ConfigLoader loader = new ConfigLoader(Map.of(ConfigLoader.SUPERUSER_PASSWORD_ENV, "env-super"));

            assertThat(loader.parse(VALID).toString()).doesNotContain("env-super", REPLICATION_PASSWORD);
        }
    }

    @Nested
    class LoadingAFile {

        @TempDir
        Path directory;

        @Test
        void readsAndValidatesTheFile() throws Exception {
            Path file = Files.writeString(directory.resolve("node1.yml"), VALID);

            NodeConfig config = NO_ENVIRONMENT.load(file);

            assertThat(config).isEqualTo(NO_ENVIRONMENT.parse(VALID));
        }

        @Test
        void reportsAMissingFileByName() {
            Path missing = directory.resolve("absent.yml");

            assertThatThrownBy(() -> NO_ENVIRONMENT.load(missing))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("not found")
                    .hasMessageContaining(missing.toString());
        }

        @Test
        void reportsAnEmptyFileAsEmpty() throws Exception {
            Path file = Files.writeString(directory.resolve("empty.yml"), "");

            ConfigException failure = catchThrowableOfType(ConfigException.class, () -> NO_ENVIRONMENT.load(file));

            assertThat(failure.field()).isEmpty();
            assertThat(failure.getMessage()).isEqualTo("configuration is empty");
        }
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "   \n\n", "# only a comment\n", "---\n", "~\n"})
    void aDocumentWithNothingInItIsReportedAsEmpty(String yaml) {
        ConfigException failure = rejection(NO_ENVIRONMENT, yaml);

        assertThat(failure.field()).isEmpty();
        assertThat(failure.getMessage()).isEqualTo("configuration is empty");
    }

    /** One bad input: the YAML, the field path the error must name, and words its message must contain. */
    record BadInput(String description, String yaml, String field, String reason) {
        @Override
        public String toString() {
            return description;
        }
    }

    private static BadInput bad(String description, String yaml, String field, String reason) {
        return new BadInput(description, yaml, field, reason);
    }

    static Stream<BadInput> badInputs() {
        return Stream.of(
                // YAML syntax
                bad("a mis-indented key is a YAML syntax error", "scope: demo\n  name: node1\n",
                        "", "not valid YAML at line 2"),
                bad("a tab in the indentation is a YAML syntax error", "scope: demo\n\tname: node1\n",
                        "", "not valid YAML at line 2"),
                bad("a syntax error on the password line does not echo that line",
                        validWith("password: " + SUPERUSER_PASSWORD + "}", "password: " + SUPERUSER_PASSWORD + "}}"),
                        "postgresql.authentication", "not valid YAML at line 15"),
                bad("an unclosed flow mapping above the passwords is a YAML syntax error",
                        validWithout("tags: {priority: 100, location: default, nofailover: false}\n")
                                .replace("namespace: /service/\n", "namespace: /service/\ntags: {location: dc1\n"),
                        "tags", "not valid YAML at line 5"),
                bad("a key written twice is reported", VALID + "scope: other\n", "", "Duplicate field 'scope'"),
                bad("a top-level list is not a configuration", "- scope\n- name\n", "", "wrong type: expected a mapping"),

                // unknown fields
                bad("an unknown top-level field", VALID + "scoop: demo\n", "scoop", "unknown field"),
                bad("an unknown top-level field lists the known ones", VALID + "scoop: demo\n", "scoop",
                        "expected one of: bootstrap, etcd, name, namespace, postgresql, restapi, scope, tags"),
                bad("an unknown postgresql field", validWith("  listen: 127.0.0.1:5432", "  listenn: 127.0.0.1:5432"),
                        "postgresql.listenn", "unknown field"),
                bad("an unknown credentials field",
                        validWith("{username: replicator, password:", "{user: replicator, password:"),
                        "postgresql.authentication.replication.user", "unknown field"),
                bad("an unknown tag", validWith("nofailover: false}", "nofailover: false, nofailovr: true}"),
                        "tags.nofailovr", "unknown field"),
                bad("an unknown bootstrap.dcs field", validWith("loop_wait: 1,", "loop_wait: 1, loopwait: 1,"),
                        "bootstrap.dcs.loopwait", "unknown field"),

                // missing required fields
                bad("scope is required", validWithout("scope: demo\n"), "scope", "is required"),
                bad("an empty scope is missing", validWith("scope: demo", "scope: ''"), "scope", "is required"),
                bad("name is required", validWithout("name: node1\n"), "name", "is required"),
                bad("the etcd section is required", validWithout("etcd:\n  endpoints: [http://127.0.0.1:2379]\n"),
                        "etcd", "is required"),
                bad("etcd.endpoints is required", validWith("  endpoints: [http://127.0.0.1:2379]\n", "  {}\n"),
                        "etcd.endpoints", "at least one endpoint is required"),
                bad("etcd.endpoints may not be empty", validWith("[http://127.0.0.1:2379]", "[]"),
                        "etcd.endpoints", "at least one endpoint is required"),
                bad("the restapi section is required",
                        validWithout("restapi:\n  listen: 127.0.0.1:8008\n  connect_address: 127.0.0.1:8008\n"),
                        "restapi", "is required"),
                bad("restapi.connect_address is required", validWithout("  connect_address: 127.0.0.1:8008\n"),
                        "restapi.connect_address", "is required"),
                bad("postgresql.listen is required", validWithout("  listen: 127.0.0.1:5432\n"),
                        "postgresql.listen", "is required"),
                bad("postgresql.data_dir is required", validWithout("  data_dir: /var/lib/regent/node1\n"),
                        "postgresql.data_dir", "is required"),
                bad("postgresql.bin_dir is required", validWithout("  bin_dir: /usr/lib/postgresql/15/bin\n"),
                        "postgresql.bin_dir", "is required"),
                bad("postgresql.authentication is required", validWithout("""
                                  authentication:
                                    superuser: {username: postgres, password: %s}
                                    replication: {username: replicator, password: %s}
                                """.formatted(SUPERUSER_PASSWORD, REPLICATION_PASSWORD)),
                        "postgresql.authentication", "is required"),
                bad("the superuser is required",
                        validWithout("    superuser: {username: postgres, password: " + SUPERUSER_PASSWORD + "}\n"),
                        "postgresql.authentication.superuser", "is required"),
                bad("the superuser password is required",
                        validWith("superuser: {username: postgres, password: " + SUPERUSER_PASSWORD + "}",
                                "superuser: {username: postgres}"),
                        "postgresql.authentication.superuser.password", "is required (or set it in the environment)"),
                bad("an empty superuser password is missing",
                        validWith("password: " + SUPERUSER_PASSWORD + "}", "password: ''}"),
                        "postgresql.authentication.superuser.password", "is required"),
                bad("the replication username is required",
                        validWith("{username: replicator, password:", "{password:"),
                        "postgresql.authentication.replication.username", "is required"),

                // wrong types
                bad("ttl must be a number", validWith("ttl: 10", "ttl: ten"),
                        "bootstrap.dcs.ttl", "wrong type: expected a whole number"),
                bad("ttl must be a whole number", validWith("ttl: 10", "ttl: 10.5"),
                        "bootstrap.dcs.ttl", "wrong type: expected a whole number"),
                bad("a quoted ttl is a string, not a number", validWith("ttl: 10", "ttl: '10'"),
                        "bootstrap.dcs.ttl", "wrong type: expected a whole number"),
                bad("tags.priority must be a number", validWith("priority: 100", "priority: high"),
                        "tags.priority", "wrong type: expected a whole number"),
                bad("tags.nofailover must be a boolean", validWith("nofailover: false", "nofailover: maybe"),
                        "tags.nofailover", "wrong type: expected true or false"),
                bad("etcd.endpoints must be a list, not a number", validWith("[http://127.0.0.1:2379]", "5"),
                        "etcd.endpoints", "wrong type: expected a list"),
                bad("etcd.endpoints must be a list, not a single URL", validWith("[http://127.0.0.1:2379]", "http://127.0.0.1:2379"),
                        "etcd.endpoints", "wrong type: expected a list"),
                bad("an address must be a string, not a number", validWith("  listen: 127.0.0.1:8008", "  listen: 8008"),
                        "restapi.listen", "wrong type: expected a string"),
                bad("a password must be a string, not a number",
                        validWith("password: " + SUPERUSER_PASSWORD + "}", "password: 987654}"),
                        "postgresql.authentication.superuser.password", "wrong type: expected a string"),
                bad("a role must be a mapping, not a string",
                        validWith("superuser: {username: postgres, password: " + SUPERUSER_PASSWORD + "}", "superuser: postgres"),
                        "postgresql.authentication.superuser", "wrong type: expected a mapping"),
                bad("postgresql.parameters must be a mapping", validWith("{max_connections: 100}", "[max_connections]"),
                        "postgresql.parameters", "wrong type: expected a mapping"),

                // timings
                bad("loop_wait + 2*retry_timeout may not exceed ttl", validWith("ttl: 10", "ttl: 6"),
                        "bootstrap.dcs.ttl", "must be >= loop_wait + 2*retry_timeout = 7 (got 6)"),
                bad("ttl must be positive", validWith("ttl: 10", "ttl: 0"), "bootstrap.dcs.ttl", "must be > 0"),
                bad("loop_wait must be positive", validWith("loop_wait: 1", "loop_wait: 0"), "bootstrap.dcs.loop_wait", "must be > 0"),
                bad("retry_timeout must be positive", validWith("retry_timeout: 3", "retry_timeout: -3"),
                        "bootstrap.dcs.retry_timeout", "must be > 0"),
                bad("maximum_lag_on_failover may not be negative", validWith("maximum_lag_on_failover: 1048576", "maximum_lag_on_failover: -1"),
                        "bootstrap.dcs.maximum_lag_on_failover", "must be >= 0"),

                // addresses
                bad("a port above 65535", validWith("  listen: 127.0.0.1:8008", "  listen: 127.0.0.1:70000"),
                        "restapi.listen", "port must be 1..65535 (got 70000)"),
                bad("port 0", validWith("  listen: 127.0.0.1:8008", "  listen: 127.0.0.1:0"),
                        "restapi.listen", "port must be 1..65535 (got 0)"),
                bad("a port without a host", validWith("  listen: 127.0.0.1:8008", "  listen: ':0'"),
                        "restapi.listen", "expected host:port"),
                bad("a host without a port", validWith("  connect_address: 127.0.0.1:5432", "  connect_address: 127.0.0.1"),
                        "postgresql.connect_address", "expected host:port"),
                bad("a port that is not a number", validWith("  listen: 127.0.0.1:5432", "  listen: 127.0.0.1:pg"),
                        "postgresql.listen", "port is not a number"),
                bad("an etcd endpoint that is not a URL", validWith("[http://127.0.0.1:2379]", "[http://127.0.0.1:2379, 127.0.0.1:2379]"),
                        "etcd.endpoints[1]", "must be a URL like http://127.0.0.1:2379 (got '127.0.0.1:2379')"),

                // names and paths
                bad("a member name with a space", validWith("name: node1", "name: 'node 1'"), "name", "must be 1-63 letters"),
                bad("a member name with a slash", validWith("name: node1", "name: dc1/node1"), "name", "must be 1-63 letters"),
                bad("a member name starting with a dash", validWith("name: node1", "name: -node1"), "name", "start with a letter or digit"),
                bad("a member name of 64 characters", validWith("name: node1", "name: " + "n".repeat(64)), "name", "must be 1-63"),
                bad("a relative data_dir", validWith("data_dir: /var/lib/regent/node1", "data_dir: data/node1"),
                        "postgresql.data_dir", "must be an absolute path (got 'data/node1')"),
                bad("a relative namespace", validWith("namespace: /service/", "namespace: service"),
                        "namespace", "must start with '/'"),
                bad("a negative priority", validWith("priority: 100", "priority: -1"), "tags.priority", "must be >= 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsRejectedNamingTheFieldAndTheProblem(BadInput input) {
        ConfigException failure = rejection(NO_ENVIRONMENT, input.yaml());

        assertThat(failure.field()).isEqualTo(input.field());
        assertThat(failure.getMessage()).contains(input.reason());
        if (!input.field().isEmpty()) {
            assertThat(failure.getMessage()).startsWith(input.field() + ": ");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void noRejectionMessageShowsAPassword(BadInput input) {
        ConfigException failure = rejection(NO_ENVIRONMENT, input.yaml());

        assertThat(failure.getMessage()).doesNotContain(SUPERUSER_PASSWORD, REPLICATION_PASSWORD);
        assertThat(failure.toString()).doesNotContain(SUPERUSER_PASSWORD, REPLICATION_PASSWORD);
    }

    @Test
    void aPasswordFromTheEnvironmentIsNotShownWhenAnotherFieldIsRejected() {
        ConfigLoader loader = new ConfigLoader(Map.of(ConfigLoader.SUPERUSER_PASSWORD_ENV, "env-super-pw"));

        ConfigException failure = rejection(loader, validWith("priority: 100", "priority: -1"));

        assertThat(failure.getMessage()).doesNotContain("env-super-pw");
    }
}
