package io.regent.common.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns a node's YAML file into a validated {@link NodeConfig}, or throws one {@link ConfigException}
 * naming the field path and the problem. Passwords may come from the environment instead of the file:
 * {@code REGENT_SUPERUSER_PASSWORD} and {@code REGENT_REPLICATION_PASSWORD} win over the file.
 */
public final class ConfigLoader {

    public static final String SUPERUSER_PASSWORD_ENV = "REGENT_SUPERUSER_PASSWORD";
    public static final String REPLICATION_PASSWORD_ENV = "REGENT_REPLICATION_PASSWORD";

    /** Member names end up in etcd keys, slot names and file names. */
    private static final Pattern MEMBER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            // 'ttl: 10.5' is a mistake to report, not a 10 to guess
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            // a key written twice is reported as such (not as an obscure record-creator error)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);

    private final Map<String, String> environment;

    public ConfigLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public NodeConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("", "configuration file not found: " + file);
        } catch (IOException e) {
            throw new ConfigException("", "cannot read configuration file " + file + ": " + e.getMessage());
        }
        return parse(text);
    }

    public NodeConfig parse(String text) {
        NodeConfig raw;
        try (JsonParser parser = yaml.createParser(text)) {
            // an empty file (or only comments) has no first token: say so, not "wrong type"
            raw = parser.nextToken() == null ? null : yaml.readValue(parser, NodeConfig.class);
        } catch (JsonProcessingException e) {
            throw translate(e);
        } catch (IOException e) {
            throw new ConfigException("", "cannot parse configuration: " + e.getMessage());
        }
        if (raw == null) {
            throw new ConfigException("", "configuration is empty");
        }
        return validate(withEnvironmentSecrets(raw));
    }

    private NodeConfig withEnvironmentSecrets(NodeConfig config) {
        PostgresConfig pg = config.postgresql();
        if (pg == null || pg.authentication() == null) {
            return config;
        }
        Authentication auth = pg.authentication();
        Credentials superuser = override(auth.superuser(), SUPERUSER_PASSWORD_ENV);
        Credentials replication = override(auth.replication(), REPLICATION_PASSWORD_ENV);
        return config.withPostgresql(pg.withAuthentication(new Authentication(superuser, replication)));
    }

    private Credentials override(Credentials credentials, String variable) {
        String value = environment.get(variable);
        if (credentials == null || value == null || value.isEmpty()) {
            return credentials;
        }
        return credentials.withPassword(Secret.of(value));
    }

    private static NodeConfig validate(NodeConfig config) {
        required("scope", config.scope());
        required("name", config.name());
        if (!MEMBER_NAME.matcher(config.name()).matches()) {
            throw new ConfigException("name", "must be 1-63 letters, digits, '_', '.' or '-' and start with a letter or digit (got '"
                    + config.name() + "')");
        }
        if (!config.namespace().startsWith("/")) {
            throw new ConfigException("namespace", "must start with '/' (got '" + config.namespace() + "')");
        }
        required("etcd", config.etcd());
        if (config.etcd().endpoints() == null || config.etcd().endpoints().isEmpty()) {
            throw new ConfigException("etcd.endpoints", "at least one endpoint is required");
        }
        List<String> endpoints = config.etcd().endpoints();
        for (int i = 0; i < endpoints.size(); i++) {
            if (!endpoints.get(i).matches("https?://[^/]+(:\\d+)?/?")) {
                throw new ConfigException("etcd.endpoints[" + i + "]", "must be a URL like http://127.0.0.1:2379 (got '"
                        + endpoints.get(i) + "')");
            }
        }
        required("restapi", config.restapi());
        required("restapi.listen", config.restapi().listen());
        required("restapi.connect_address", config.restapi().connectAddress());
        if (config.restapi().authentication() != null) {
            credentials("restapi.authentication", config.restapi().authentication());
        }
        PostgresConfig pg = config.postgresql();
        required("postgresql", pg);
        required("postgresql.listen", pg.listen());
        required("postgresql.connect_address", pg.connectAddress());
        required("postgresql.data_dir", pg.dataDir());
        if (!pg.dataDir().isAbsolute()) {
            throw new ConfigException("postgresql.data_dir", "must be an absolute path (got '" + pg.dataDir() + "')");
        }
        required("postgresql.bin_dir", pg.binDir());
        required("postgresql.authentication", pg.authentication());
        credentials("postgresql.authentication.superuser", pg.authentication().superuser());
        credentials("postgresql.authentication.replication", pg.authentication().replication());
        if (config.tags().priority() < 0) {
            throw new ConfigException("tags.priority", "must be >= 0 (got " + config.tags().priority() + ")");
        }
        config.bootstrap().dcs().validated("bootstrap.dcs");
        fence(config);
        watchdog(config.watchdog(), config.bootstrap().dcs());
        return config;
    }

    /**
     * The fence must fire before the lease can expire, and never between two renewals of a healthy
     * leader: {@code 1 <= safety_margin < ttl - loop_wait}, on the bootstrap timings (the cluster's
     * {@code config} key may change them later; the agent then says so when it arms the fence).
     */
    private static void fence(NodeConfig config) {
        FenceConfig fence = config.fence();
        if (!fence.enabled()) {
            return;
        }
        HaConfig dcs = config.bootstrap().dcs();
        if (fence.safetyMargin() < 1) {
            throw new ConfigException("fence.safety_margin", "must be >= 1 s (got " + fence.safetyMargin() + ")");
        }
        if (fence.safetyMargin() >= dcs.ttl() - dcs.loopWait()) {
            throw new ConfigException("fence.safety_margin", "must be < ttl - loop_wait = " + (dcs.ttl() - dcs.loopWait())
                    + " (bootstrap.dcs), or the fence would stop a healthy leader between two lease renewals (got "
                    + fence.safetyMargin() + ")");
        }
        if (fence.socket() != null && !fence.socket().isAbsolute()) {
            throw new ConfigException("fence.socket", "must be an absolute path (got '" + fence.socket() + "')");
        }
        int length = config.fenceSocket().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (length > FenceConfig.MAX_SOCKET_PATH_BYTES) {
            throw new ConfigException("fence.socket", (fence.socket() == null ? "the default beside the data directory, "
                    + config.fenceSocket() + "," : "'" + fence.socket() + "'") + " is " + length + " bytes long; a Unix socket"
                    + " path may have at most " + FenceConfig.MAX_SOCKET_PATH_BYTES + ": set a shorter fence.socket");
        }
    }

    /** Patroni's rule: the device must fire before the lease expires, and not before the next cycle. */
    private static void watchdog(WatchdogConfig watchdog, HaConfig dcs) {
        if (watchdog.mode() == WatchdogMode.OFF) {
            return;
        }
        if (!watchdog.device().isAbsolute()) {
            throw new ConfigException("watchdog.device", "must be an absolute path (got '" + watchdog.device() + "')");
        }
        if (watchdog.safetyMargin() < 0) {
            throw new ConfigException("watchdog.safety_margin", "must be >= 0 (got " + watchdog.safetyMargin() + ")");
        }
        if (dcs.ttl() - watchdog.safetyMargin() <= dcs.loopWait()) {
            throw new ConfigException("watchdog.safety_margin", "ttl - safety_margin (the longest device timeout allowed) must"
                    + " be > loop_wait = " + dcs.loopWait() + " (bootstrap.dcs), or the device would reset a healthy leader"
                    + " (got ttl " + dcs.ttl() + " - " + watchdog.safetyMargin() + ")");
        }
    }

    private static void credentials(String path, Credentials credentials) {
        required(path, credentials);
        required(path + ".username", credentials.username());
        if (credentials.password() == null || credentials.password().isEmpty()) {
            throw new ConfigException(path + ".password", "is required (or set it in the environment)");
        }
    }

    private static void required(String path, Object value) {
        if (value == null || (value instanceof String text && text.isBlank())) {
            throw new ConfigException(path, "is required");
        }
    }

    private static ConfigException translate(JsonProcessingException e) {
        String path = e instanceof JsonMappingException mapping ? path(mapping.getPath()) : "";
        StreamReadException syntax = syntaxError(e);
        if (syntax != null) {
            return new ConfigException(path, "not valid YAML" + syntaxDetail(syntax));
        }
        JsonMappingException mapping = (JsonMappingException) e;
        if (mapping instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null ? "" : unknown.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            return new ConfigException(path, "unknown field" + (known.isEmpty() ? "" : " (expected one of: " + known + ")"));
        }
        if (mapping instanceof ValueInstantiationException instantiation && instantiation.getCause() != null) {
            return new ConfigException(path, instantiation.getCause().getMessage());
        }
        if (mapping instanceof InvalidFormatException format) {
            return new ConfigException(path, "wrong type: expected " + typeName(format.getTargetType())
                    + " (got '" + format.getValue() + "')");
        }
        if (mapping instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return new ConfigException(path, "wrong type: expected " + typeName(mismatch.getTargetType()));
        }
        Throwable cause = mapping.getCause();
        return new ConfigException(path, cause != null ? cause.getMessage() : mapping.getOriginalMessage());
    }

    /** The parse (not mapping) error behind {@code e}, which databind may have wrapped with a path. */
    private static StreamReadException syntaxError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StreamReadException read) {
                return read;
            }
        }
        return null;
    }

    /**
     * Where and what, without SnakeYAML's excerpt of the offending line: that line may hold a password.
     */
    private static String syntaxDetail(StreamReadException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked) {
                String where = marked.getProblemMark() == null ? ""
                        : " at line " + (marked.getProblemMark().getLine() + 1)
                        + ", column " + (marked.getProblemMark().getColumn() + 1);
                String context = marked.getContext() == null ? "" : marked.getContext() + ": ";
                return where + ": " + context + marked.getProblem();
            }
        }
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
        return where + ": " + e.getOriginalMessage();
    }

    private static String typeName(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == WatchdogMode.class) {
            return "off, automatic or required";
        }
        if (type == String.class || type == HostPort.class || type == Path.class || type == Secret.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "a mapping";
        }
        return "a mapping (" + type.getSimpleName() + ")";
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
