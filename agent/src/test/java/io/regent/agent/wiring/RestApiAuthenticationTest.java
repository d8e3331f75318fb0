package io.regent.agent.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.config.ConfigLoader;
import io.regent.common.config.NodeConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestApiAuthenticationTest {

    private static final String BASE = """
            scope: demo
            name: node1
            etcd: {endpoints: ["http://127.0.0.1:2379"]}
            restapi:
              listen: 127.0.0.1:8008
              connect_address: 127.0.0.1:8008
            %s
            postgresql:
              listen: 127.0.0.1:5432
              connect_address: 127.0.0.1:5432
              data_dir: /var/lib/regent/data
              bin_dir: /usr/lib/postgresql/15/bin
              authentication:
                superuser: {username: postgres, password: s3cret}
                replication: {username: replicator, password: r3pl}
            """;

    private static final NodeConfig OPEN = new ConfigLoader(Map.of()).parse(BASE.formatted(""));
    private static final NodeConfig IN_FILE = new ConfigLoader(Map.of()).parse(BASE.formatted(
            "  authentication: {username: admin, password: from-file}"));

    @Test
    void both_variables_set_require_those_credentials() {
        assertThat(AgentFactory.restApiAuthentication(IN_FILE, Map.of("REGENT_RESTAPI_USERNAME", "ops", "REGENT_RESTAPI_PASSWORD", "pw")))
                .hasValueSatisfying(credentials -> {
                    assertThat(credentials.username()).isEqualTo("ops");
                    assertThat(credentials.password().reveal()).isEqualTo("pw");
                    assertThat(credentials.toString()).doesNotContain("pw");
                });
    }

    @Test
    void without_the_variables_the_configuration_file_decides() {
        assertThat(AgentFactory.restApiAuthentication(IN_FILE, Map.of())).hasValueSatisfying(credentials -> {
            assertThat(credentials.username()).isEqualTo("admin");
            assertThat(credentials.password().reveal()).isEqualTo("from-file");
        });
    }

    @Test
    void with_neither_unsafe_methods_are_open() {
        assertThat(AgentFactory.restApiAuthentication(OPEN, Map.of())).isEmpty();
        assertThat(AgentFactory.restApiAuthentication(OPEN, Map.of("REGENT_RESTAPI_USERNAME", "admin"))).isEmpty();
        assertThat(AgentFactory.restApiAuthentication(OPEN, Map.of("REGENT_RESTAPI_PASSWORD", "pw"))).isEmpty();
        assertThat(AgentFactory.restApiAuthentication(OPEN, Map.of("REGENT_RESTAPI_USERNAME", "", "REGENT_RESTAPI_PASSWORD", "pw")))
                .isEmpty();
    }
}
