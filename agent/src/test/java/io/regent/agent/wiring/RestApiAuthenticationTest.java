package io.regent.agent.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RestApiAuthenticationTest {

    @Test
    void both_variables_set_require_those_credentials() {
        assertThat(AgentFactory.restApiAuthentication(Map.of("REGENT_RESTAPI_USERNAME", "admin", "REGENT_RESTAPI_PASSWORD", "pw")))
                .hasValueSatisfying(credentials -> {
                    assertThat(credentials.username()).isEqualTo("admin");
                    assertThat(credentials.password().reveal()).isEqualTo("pw");
                    assertThat(credentials.toString()).doesNotContain("pw");
                });
    }

    @Test
    void without_a_username_or_a_password_unsafe_methods_are_open() {
        assertThat(AgentFactory.restApiAuthentication(Map.of())).isEmpty();
        assertThat(AgentFactory.restApiAuthentication(Map.of("REGENT_RESTAPI_USERNAME", "admin"))).isEmpty();
        assertThat(AgentFactory.restApiAuthentication(Map.of("REGENT_RESTAPI_PASSWORD", "pw"))).isEmpty();
        assertThat(AgentFactory.restApiAuthentication(Map.of("REGENT_RESTAPI_USERNAME", "", "REGENT_RESTAPI_PASSWORD", "pw")))
                .isEmpty();
    }
}
