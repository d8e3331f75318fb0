package io.regent.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.model.ClusterView;
import io.regent.common.store.ClusterReader;
import io.regent.common.store.KeyLayout;
import io.regent.common.store.StoreUnavailableException;
import io.regent.controller.fixture.Views;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Option handling and exit codes, with etcd replaced by a prepared snapshot or a failure. */
class RegentCtlTest {

    private static final String SUPERUSER_SECRET = "demo-superuser-secret";
    private static final String REPLICATION_SECRET = "demo-replication-secret";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private Opened opened;

    /** What the command asked etcd for. */
    private record Opened(List<String> endpoints, String prefix, Duration timeout) {
    }

    private int run(ReaderFactory readers, String... args) {
        return RegentCtl.commandLine(Map.of(), readers, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    private int runAgainst(ClusterView view, String... args) {
        return run((endpoints, keys, timeout) -> {
            opened = new Opened(endpoints, keys.prefix(), timeout);
            return reader(view);
        }, args);
    }

    private static ClusterReader reader(ClusterView view) {
        return new ClusterReader() {
            @Override
            public ClusterView load() {
                return view;
            }

            @Override
            public void close() {
            }
        };
    }

    private static ReaderFactory unusedReaders() {
        return (endpoints, keys, timeout) -> {
            throw new AssertionError("etcd must not be contacted");
        };
    }

    private Path config(String text) throws IOException {
        Path file = dir.resolve("node1.yml");
        Files.writeString(file, text);
        return file;
    }

    private static String demoConfig() {
        return """
                scope: demo
                name: node1
                namespace: /regent/
                etcd:
                  endpoints: [http://127.0.0.1:2379, http://127.0.0.1:22379]
                restapi:
                  listen: 127.0.0.1:8008
                  connect_address: 127.0.0.1:8008
                postgresql:
                  listen: 127.0.0.1:5432
                  connect_address: 127.0.0.1:5432
                  data_dir: /tmp/regent-demo/node1/data
                  bin_dir: /usr/lib/postgresql/15/bin
                  authentication:
                    superuser: {username: postgres, password: %s}
                    replication: {username: replicator, password: %s}
                """.formatted(SUPERUSER_SECRET, REPLICATION_SECRET);
    }

    @Test
    void listWithAConfigFileReadsTheClusterItNames() throws IOException {
        Path file = config(demoConfig());

        int exit = runAgainst(Views.healthyDemo(), "-c", file.toString(), "list");

        assertThat(exit).isZero();
        assertThat(opened).isEqualTo(new Opened(List.of("http://127.0.0.1:2379", "http://127.0.0.1:22379"),
                "/regent/demo/", Duration.ofSeconds(5)));
        assertThat(out.toString()).startsWith("Cluster: demo (system identifier " + Views.SYSTEM_ID + ")\n ID | Name");
        assertThat(out.toString()).contains(" 1  | node1 | primary | running |");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void theSecretsInTheConfigFileAreNeverPrinted() throws IOException {
        Path file = config(demoConfig());

        runAgainst(Views.healthyDemo(), "-c", file.toString(), "list", "-f", "json");
        runAgainst(Views.healthyDemo(), "-c", file.toString(), "list", "-f", "yaml");
        runAgainst(Views.healthyDemo(), "list", "-c", file.toString(), "--help");

        assertThat(out.toString() + err.toString()).doesNotContain(SUPERUSER_SECRET).doesNotContain(REPLICATION_SECRET);
    }

    @Test
    void globalOptionsWorkAfterTheCommandNameToo() {
        int exit = runAgainst(ClusterView.empty(3), "list", "--etcd", "http://127.0.0.1:2379", "--scope", "demo",
                "--timeout", "2");

        assertThat(exit).isZero();
        assertThat(opened).isEqualTo(new Opened(List.of("http://127.0.0.1:2379"), "/service/demo/", Duration.ofSeconds(2)));
        assertThat(out.toString()).startsWith("Cluster: demo (not initialized)\n");
    }

    @Test
    void aValueGivenBeforeTheCommandNameIsKept() {
        int exit = runAgainst(ClusterView.empty(3), "--timeout", "7", "--etcd", "http://127.0.0.1:2379", "list",
                "--scope", "demo");

        assertThat(exit).isZero();
        assertThat(opened.timeout()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void explicitOptionsWinOverTheConfigFile() throws IOException {
        Path file = config(demoConfig());

        int exit = runAgainst(ClusterView.empty(3), "-c", file.toString(), "--etcd", "http://127.0.0.1:32379",
                "--scope", "other", "--namespace", "/service/", "list");

        assertThat(exit).isZero();
        assertThat(opened).isEqualTo(new Opened(List.of("http://127.0.0.1:32379"), "/service/other/", Duration.ofSeconds(5)));
    }

    @Test
    void formatsAreCaseInsensitive() {
        int exit = runAgainst(Views.healthyDemo(), "list", "--etcd", "http://127.0.0.1:2379", "--scope", "demo", "-f", "JSON");

        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("[ {").contains("\"scope\" : \"demo\"");
    }

    @Test
    void warningsGoToStderrSoStructuredOutputStaysParseable() {
        ClusterView orphanLeader = Views.cluster("ghost", Views.member("node1").build());

        int exit = runAgainst(orphanLeader, "list", "--etcd", "http://127.0.0.1:2379", "--scope", "demo", "-f", "json");

        assertThat(exit).isZero();
        assertThat(out.toString()).doesNotContain("warning");
        assertThat(err.toString()).isEqualTo(
                "warning: the leader key names 'ghost', which has no member key (lag shown as unknown)\n");
    }

    @Test
    void anUnreachableEtcdExitsWith1AndOneLineNamingTheEndpoints() {
        int exit = run((endpoints, keys, timeout) -> new ClusterReader() {
            @Override
            public ClusterView load() {
                throw new StoreUnavailableException("read /service/demo/: etcd did not answer within 5000 ms",
                        new TimeoutException());
            }

            @Override
            public void close() {
            }
        }, "list", "--etcd", "http://127.0.0.1:2379,http://127.0.0.1:22379", "--scope", "demo");

        assertThat(exit).isEqualTo(RegentCtl.EXIT_UNAVAILABLE);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEqualTo("regentctl: etcd unreachable at http://127.0.0.1:2379,http://127.0.0.1:22379"
                + " (read /service/demo/: etcd did not answer within 5000 ms)\n");
    }

    @Test
    void anInvalidConfigFileExitsWith2NamingTheField() throws IOException {
        Path file = config(demoConfig().replace("  bin_dir: /usr/lib/postgresql/15/bin\n", ""));

        int exit = run(unusedReaders(), "-c", file.toString(), "list");

        assertThat(exit).isEqualTo(RegentCtl.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo(
                "regentctl: invalid configuration " + file + ": postgresql.bin_dir: is required\n");
    }

    @Test
    void aConfigFieldOfTheWrongTypeExitsWith2NamingTheField() throws IOException {
        Path file = config(demoConfig() + "tags: {priority: high}\n");

        int exit = run(unusedReaders(), "list", "-c", file.toString());

        assertThat(exit).isEqualTo(RegentCtl.EXIT_USAGE);
        assertThat(err.toString()).startsWith("regentctl: invalid configuration " + file + ": tags.priority: ");
    }

    @Test
    void aMissingConfigFileExitsWith2() {
        Path missing = dir.resolve("nope.yml");

        int exit = run(unusedReaders(), "-c", missing.toString(), "list");

        assertThat(exit).isEqualTo(RegentCtl.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("regentctl: -c/--config: file not found: " + missing + "\n");
    }

    @Test
    void withoutAConfigOrEndpointsTheCommandSaysWhatIsMissing() {
        int exit = run(unusedReaders(), "list");

        assertThat(exit).isEqualTo(RegentCtl.EXIT_USAGE);
        assertThat(err.toString()).startsWith(
                "regentctl: say which cluster: -c/--config FILE, or --etcd URL[,URL] with --scope NAME\n");
    }

    @Test
    void endpointsWithoutAScopeExitWith2() {
        int exit = run(unusedReaders(), "list", "--etcd", "http://127.0.0.1:2379");

        assertThat(exit).isEqualTo(RegentCtl.EXIT_USAGE);
        assertThat(err.toString()).startsWith("regentctl: --scope NAME is required with --etcd");
    }

    @Test
    void anEndpointThatIsNotAUrlExitsWith2() {
        int exit = run(unusedReaders(), "list", "--etcd", "127.0.0.1:2379", "--scope", "demo");

        assertThat(exit).isEqualTo(RegentCtl.EXIT_USAGE);
        assertThat(err.toString()).startsWith(
                "regentctl: --etcd: must be a URL like http://127.0.0.1:2379 (got '127.0.0.1:2379')");
    }

    @Test
    void badUsageExitsWith2() {
        assertThat(run(unusedReaders())).isEqualTo(RegentCtl.EXIT_USAGE);
        assertThat(run(unusedReaders(), "lst")).isEqualTo(RegentCtl.EXIT_USAGE);
        assertThat(run(unusedReaders(), "list", "--bogus")).isEqualTo(RegentCtl.EXIT_USAGE);
        assertThat(run(unusedReaders(), "list", "-f", "xml", "--etcd", "http://h:1", "--scope", "d"))
                .isEqualTo(RegentCtl.EXIT_USAGE);
        assertThat(run(unusedReaders(), "list", "--timeout", "0", "--etcd", "http://h:1", "--scope", "d"))
                .isEqualTo(RegentCtl.EXIT_USAGE);
        assertThat(run(unusedReaders(), "list", "--namespace", "service", "--etcd", "http://h:1", "--scope", "d"))
                .isEqualTo(RegentCtl.EXIT_USAGE);
        assertThat(err.toString()).contains("Did you mean: regentctl list");
    }

    @Test
    void helpAndVersionExitWith0() {
        assertThat(run(unusedReaders(), "--help")).isZero();
        assertThat(run(unusedReaders(), "list", "--help")).isZero();
        assertThat(run(unusedReaders(), "--version")).isZero();
        assertThat(out.toString()).contains("Usage: regentctl", "Usage: regentctl list", "regentctl ");
    }

    @Test
    void theKeyPrefixFollowsTheNamespaceWithOrWithoutATrailingSlash() {
        runAgainst(ClusterView.empty(1), "list", "--etcd", "http://127.0.0.1:2379", "--scope", "demo", "--namespace", "/ns");

        assertThat(opened.prefix()).isEqualTo(new KeyLayout("/ns/", "demo").prefix());
    }
}
