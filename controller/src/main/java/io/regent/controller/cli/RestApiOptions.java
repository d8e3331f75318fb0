package io.regent.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.regent.controller.client.AgentRestClient;
import io.regent.controller.client.BasicAuth;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How action commands reach the agents' REST API: basic-auth credentials and the request timeout.
 *
 * <p>Credentials, as Patroni's {@code restapi.authentication}: the user name from {@code --username}, else
 * from the {@code -c} file's {@code restapi.authentication.username}; the password from the environment
 * variable {@value #PASSWORD_VARIABLE}, else from the file, else asked on the terminal. Without a user
 * name, requests carry no credentials. The password is never printed and never an option value (it
 * would show in {@code ps}).
 */
final class RestApiOptions {

    static final String PASSWORD_VARIABLE = "REGENT_RESTAPI_PASSWORD";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Option(names = "--username", paramLabel = "USER",
            description = "REST API user (basic auth); password from $" + PASSWORD_VARIABLE + " or the prompt.")
    private String username;

    @Option(names = "--api-timeout", paramLabel = "SECONDS", defaultValue = "90",
            description = "How long to wait for an agent's answer (agents answer once the action is done; default: 90).")
    private int apiTimeoutSeconds;

    AgentRestClient client(RegentCtl root, ClusterTarget target) {
        return new AgentRestClient(target.requestTimeout(), Duration.ofSeconds(Math.max(1, apiTimeoutSeconds)), auth(root));
    }

    private Optional<BasicAuth> auth(RegentCtl root) {
        JsonNode fromFile = root.configFile().map(RestApiOptions::authentication).orElse(null);
        String user = username != null ? username : text(fromFile, "username");
        if (user == null || user.isEmpty()) {
            return Optional.empty();
        }
        String password = root.environment().get(PASSWORD_VARIABLE);
        if (password == null) {
            password = text(fromFile, "password");
        }
        if (password == null) {
            if (!root.terminal().isInteractive()) {
                throw new CliFailure(RegentCtl.EXIT_USAGE, "no REST API password for user " + user + ": set $"
                        + PASSWORD_VARIABLE + " (no terminal to ask on)", null);
            }
            password = root.terminal().readSecret("REST API password for " + user + ": ");
            if (password == null) {
                throw new CliFailure(RegentCtl.EXIT_USAGE, "no REST API password given for user " + user, null);
            }
        }
        return Optional.of(new BasicAuth(user, password));
    }

    /** {@code restapi.authentication} of a node's configuration file, read as plain YAML. */
    private static JsonNode authentication(Path file) {
        try {
            return YAML.readTree(file.toFile()).path("restapi").path("authentication");
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        if (node == null || !node.path(field).isValueNode() || node.path(field).isNull()) {
            return null;
        }
        return node.path(field).asText();
    }
}
