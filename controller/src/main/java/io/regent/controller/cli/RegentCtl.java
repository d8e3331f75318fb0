package io.regent.controller.cli;

import io.regent.common.config.ConfigException;
import io.regent.common.config.ConfigLoader;
import io.regent.common.config.NodeConfig;
import io.regent.common.model.ClusterView;
import io.regent.common.store.ClusterAdmin;
import io.regent.common.store.ClusterReader;
import io.regent.common.store.StoreUnavailableException;
import io.regent.common.store.etcd.EtcdStores;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code regentctl}, the operator's CLI. It reads the cluster from etcd, writes only the operator's keys
 * ({@code config}, and all keys on {@code remove}) through {@link ClusterAdmin}, and asks the agents' REST
 * API for actions (switchover, failover, restart…); it never touches PostgreSQL or another node directly.
 *
 * <p>Which cluster: {@code -c/--config FILE} (a node's configuration: etcd endpoints, namespace and
 * scope are taken from it) or {@code --etcd URL[,URL] --scope NAME [--namespace NS]}; options given
 * explicitly win over the file. The global options may stand before or after the command name.
 *
 * <p>Exit codes: {@value #EXIT_OK} success, {@value #EXIT_FAILED} refused, not confirmed, failed, or etcd /
 * an agent unreachable, {@value #EXIT_USAGE} bad usage or bad configuration.
 */
@Command(name = "regentctl",
        mixinStandardHelpOptions = true,
        versionProvider = RegentCtl.Version.class,
        sortOptions = false,
        description = "Regent's operator CLI: shows and steers a PostgreSQL cluster run by Regent agents.",
        subcommands = {ListCommand.class, TopologyCommand.class, HistoryCommand.class, ShowConfigCommand.class,
                EditConfigCommand.class, PauseCommand.class, ResumeCommand.class, SwitchoverCommand.class,
                FailoverCommand.class, RestartCommand.class, ReinitCommand.class, ReloadCommand.class,
                RemoveCommand.class, VersionCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:refused, not confirmed, failed, or etcd / an agent unreachable",
                "2:bad usage or bad configuration"})
public final class RegentCtl implements Callable<Integer> {

    public static final int EXIT_OK = 0;
    public static final int EXIT_UNAVAILABLE = 1;
    /** Refused (by regentctl's own checks or by an agent), not confirmed, or failed. */
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** What the agent's configuration accepts as an etcd endpoint. */
    private static final Pattern ENDPOINT = Pattern.compile("https?://[^/]+(:\\d+)?/?");

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "A node's configuration file: etcd endpoints, namespace and scope are read from it.")
    private Path config;

    @Option(names = "--etcd", paramLabel = "URL", split = ",", scope = ScopeType.INHERIT,
            description = "etcd client URL(s), comma-separated (e.g. http://127.0.0.1:2379).")
    private List<String> etcd;

    @Option(names = "--scope", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "The cluster's name (required with --etcd).")
    private String scope;

    @Option(names = "--namespace", paramLabel = "NS", scope = ScopeType.INHERIT,
            description = "Key namespace in etcd (default: " + NodeConfig.DEFAULT_NAMESPACE + ").")
    private String namespace;

    // No defaultValue on inherited options: picocli would re-apply a default when parsing the
    // subcommand and overwrite a value given before the command name.
    @Option(names = "--timeout", paramLabel = "SECONDS", scope = ScopeType.INHERIT,
            description = "How long to wait for etcd (default: 5).")
    private Integer timeoutSeconds;

    @Spec
    private CommandSpec spec;

    private final Map<String, String> environment;
    private final ReaderFactory readers;
    private final AdminFactory admins;
    private final Terminal terminal;

    public RegentCtl(Map<String, String> environment, ReaderFactory readers, AdminFactory admins, Terminal terminal) {
        this.environment = Map.copyOf(environment);
        this.readers = readers;
        this.admins = admins;
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        EtcdStores.preferSystemResolver();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int exitCode = commandLine(System.getenv(), EtcdStores::reader, EtcdStores::admin, Terminal.system(), out, err)
                .execute(args);
        out.flush();
        err.flush();
        // jetcd leaves non-daemon threads behind; exit explicitly
        System.exit(exitCode);
    }

    /** A read-only command line with no terminal (commands that write to etcd fail). */
    public static CommandLine commandLine(Map<String, String> environment, ReaderFactory readers,
                                          PrintWriter out, PrintWriter err) {
        AdminFactory noAdmin = (endpoints, keys, timeout) -> {
            throw new IllegalStateException("no write access to etcd in this command line");
        };
        return commandLine(environment, readers, noAdmin, Terminal.NONE, out, err);
    }

    /** The configured command line: output streams, exit-code mapping and error reporting. */
    public static CommandLine commandLine(Map<String, String> environment, ReaderFactory readers, AdminFactory admins,
                                          Terminal terminal, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new RegentCtl(environment, readers, admins, terminal));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler(RegentCtl::reportFailure);
        commandLine.setParameterExceptionHandler(RegentCtl::reportUsageError);
        return commandLine;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command (for example: regentctl -c node1.yml list)");
    }

    /**
     * Resolves the cluster to read from the options and, if given, the configuration file.
     *
     * @throws CliFailure        (exit 2) if the configuration file cannot be read or is invalid
     * @throws ParameterException (exit 2) if the options do not name a cluster
     */
    ClusterTarget target(CommandLine command) {
        List<String> endpoints = null;
        String clusterScope = null;
        String clusterNamespace = NodeConfig.DEFAULT_NAMESPACE;
        if (config != null) {
            NodeConfig node = loadConfig(config);
            endpoints = node.etcd().endpoints();
            clusterScope = node.scope();
            clusterNamespace = node.namespace();
        }
        if (etcd != null) {
            endpoints = etcd;
        }
        if (scope != null) {
            clusterScope = scope;
        }
        if (namespace != null) {
            clusterNamespace = namespace;
        }
        if (endpoints == null) {
            throw new ParameterException(command, "say which cluster: -c/--config FILE, or --etcd URL[,URL] with --scope NAME");
        }
        for (String endpoint : endpoints) {
            if (!ENDPOINT.matcher(endpoint).matches()) {
                throw new ParameterException(command, "--etcd: must be a URL like http://127.0.0.1:2379 (got '" + endpoint + "')");
            }
        }
        if (clusterScope == null || clusterScope.isBlank()) {
            throw new ParameterException(command, "--scope NAME is required with --etcd (or give -c/--config FILE)");
        }
        if (clusterScope.contains("/")) {
            throw new ParameterException(command, "--scope: must not contain '/' (got '" + clusterScope + "')");
        }
        if (!clusterNamespace.startsWith("/")) {
            throw new ParameterException(command, "--namespace: must start with '/' (got '" + clusterNamespace + "')");
        }
        if (timeoutSeconds != null && timeoutSeconds <= 0) {
            throw new ParameterException(command, "--timeout: must be > 0 seconds (got " + timeoutSeconds + ")");
        }
        Duration timeout = timeoutSeconds == null ? DEFAULT_TIMEOUT : Duration.ofSeconds(timeoutSeconds);
        return new ClusterTarget(endpoints, clusterNamespace, clusterScope, timeout);
    }

    /**
     * One consistent snapshot of the cluster.
     *
     * @throws CliFailure (exit 1) if etcd does not answer
     */
    ClusterView loadView(ClusterTarget target) {
        try (ClusterReader reader = readers.open(target.endpoints(), target.keys(), target.requestTimeout())) {
            return reader.load();
        } catch (StoreUnavailableException e) {
            throw new CliFailure(EXIT_UNAVAILABLE, "etcd unreachable at " + target.endpointList() + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Read-write access to the cluster's keys; the caller closes it.
     *
     * @throws CliFailure (exit 1) if etcd does not answer while connecting
     */
    ClusterAdmin openAdmin(ClusterTarget target) {
        return admins.open(target.endpoints(), target.keys(), target.requestTimeout());
    }

    /** Turns an etcd failure during {@code action} into the one-line message of every command. */
    static CliFailure unavailable(ClusterTarget target, StoreUnavailableException e) {
        return new CliFailure(EXIT_UNAVAILABLE, "etcd unreachable at " + target.endpointList() + " (" + e.getMessage() + ")", e);
    }

    Terminal terminal() {
        return terminal;
    }

    Map<String, String> environment() {
        return environment;
    }

    /** The {@code -c/--config} file, if one was given. */
    java.util.Optional<Path> configFile() {
        return java.util.Optional.ofNullable(config);
    }

    private NodeConfig loadConfig(Path file) {
        // notExists, not !exists: a file behind a directory this user cannot search is "cannot read"
        if (Files.notExists(file)) {
            throw new CliFailure(EXIT_USAGE, "-c/--config: file not found: " + file, null);
        }
        if (!Files.isReadable(file)) {
            throw new CliFailure(EXIT_USAGE, "-c/--config: cannot read " + file + " as user "
                    + System.getProperty("user.name") + " (permission denied)", null);
        }
        try {
            return new ConfigLoader(environment).load(file);
        } catch (ConfigException e) {
            throw new CliFailure(EXIT_USAGE, "invalid configuration " + file + ": " + e.getMessage(), e);
        }
    }

    private static int reportFailure(Exception failure, CommandLine command, CommandLine.ParseResult parsed) {
        PrintWriter err = command.getErr();
        if (failure instanceof CliFailure known) {
            err.println("regentctl: " + known.getMessage());
            err.flush();
            return known.exitCode();
        }
        if (failure instanceof StoreUnavailableException unavailable) {
            err.println("regentctl: etcd unreachable (" + unavailable.getMessage() + ")");
            err.flush();
            return EXIT_UNAVAILABLE;
        }
        err.println("regentctl: unexpected error: " + failure);
        err.flush();
        return EXIT_UNAVAILABLE;
    }

    private static int reportUsageError(ParameterException failure, String[] args) {
        CommandLine command = failure.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("regentctl: " + failure.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(failure, err);
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return EXIT_USAGE;
    }

    /** The version written in the jar's manifest by the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = RegentCtl.class.getPackage().getImplementationVersion();
            return new String[] {"regentctl " + (version == null ? "(development build)" : version)};
        }
    }
}
