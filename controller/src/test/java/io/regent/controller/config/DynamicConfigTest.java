package io.regent.controller.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class DynamicConfigTest {

    private final ObjectNode config = DynamicConfig.parse(
            "{\"ttl\":10,\"loop_wait\":1,\"postgresql\":{\"parameters\":{\"work_mem\":\"4MB\"}},\"x_password\":\"hunter2\"}");

    @Test
    void setReadsTheValueAsAYamlScalar() {
        DynamicConfig.set(config, "loop_wait=2");
        DynamicConfig.set(config, "pause=true");
        DynamicConfig.set(config, "note=a string");
        DynamicConfig.set(config, "quoted='2'");

        assertThat(config.get("loop_wait").isInt()).isTrue();
        assertThat(config.get("loop_wait").asInt()).isEqualTo(2);
        assertThat(config.get("pause").isBoolean()).isTrue();
        assertThat(config.get("note").asText()).isEqualTo("a string");
        assertThat(config.get("quoted").isTextual()).isTrue();
    }

    @Test
    void dottedKeysNestAndCreateMissingMappings() {
        DynamicConfig.set(config, "postgresql.parameters.work_mem=8MB");
        DynamicConfig.set(config, "postgresql.parameters.max_connections=200");
        DynamicConfig.set(config, "slots.s1.type=physical");

        assertThat(DynamicConfig.toJson(config)).contains(
                "\"postgresql\":{\"parameters\":{\"work_mem\":\"8MB\",\"max_connections\":200}}",
                "\"slots\":{\"s1\":{\"type\":\"physical\"}}");
    }

    @Test
    void anEmptyValueOrNullRemovesTheKey() {
        DynamicConfig.set(config, "loop_wait=");
        DynamicConfig.set(config, "postgresql.parameters.work_mem=null");
        DynamicConfig.set(config, "absent.deeper=null");

        assertThat(config.has("loop_wait")).isFalse();
        assertThat(config.has("absent")).isFalse();
        assertThat(config.at("/postgresql/parameters").isEmpty()).isTrue();
    }

    @Test
    void malformedAssignmentsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> DynamicConfig.set(config, "loop_wait"))
                .hasMessage("--set: expected key=value (got 'loop_wait')");
        assertThatThrownBy(() -> DynamicConfig.set(config, "a..b=1"))
                .hasMessage("--set: empty name in key 'a..b'");
        assertThatThrownBy(() -> DynamicConfig.set(config, "ttl.seconds=3"))
                .hasMessage("--set ttl.seconds: ttl is not a mapping (it is 10)");
    }

    @Test
    void applyIsAJsonMergePatchFromYamlOrJson() {
        DynamicConfig.merge(config, DynamicConfig.parseDocument("""
                loop_wait: 3
                ttl: null
                postgresql:
                  parameters:
                    shared_buffers: 256MB
                """));
        DynamicConfig.merge(config, DynamicConfig.parseDocument("{\"retry_timeout\": 4}"));

        assertThat(DynamicConfig.toJson(config)).isEqualTo("{\"loop_wait\":3,\"postgresql\":{\"parameters\":"
                + "{\"work_mem\":\"4MB\",\"shared_buffers\":\"256MB\"}},\"x_password\":\"hunter2\",\"retry_timeout\":4}");
    }

    @Test
    void aDocumentThatIsNotAMappingIsRefused() {
        assertThatThrownBy(() -> DynamicConfig.parseDocument("- a\n- b\n")).hasMessageContaining("mapping");
        assertThatThrownBy(() -> DynamicConfig.parseDocument("a: [")).hasMessageStartingWith("not YAML or JSON");
        assertThatThrownBy(() -> DynamicConfig.parse("[1]")).hasMessage("the config key is not a JSON object");
    }

    @Test
    void secretsAreMaskedWhenShownButKeptInTheValueWritten() {
        ObjectNode withSecrets = DynamicConfig.parse(
                "{\"postgresql\":{\"authentication\":{\"replication\":{\"username\":\"r\",\"password\":\"s3cret\"}}},"
                        + "\"api_token\":\"t0ken\"}");

        String shown = DynamicConfig.toYaml(withSecrets);

        assertThat(shown).doesNotContain("s3cret", "t0ken").contains("password: '******'", "username: r");
        assertThat(DynamicConfig.toJson(withSecrets)).contains("s3cret");
    }

    @Test
    void theDiffMarksRemovedAndAddedLines() {
        assertThat(LineDiff.of("ttl: 10\nloop_wait: 1\n", "ttl: 10\nloop_wait: 2\npause: true\n"))
                .containsExactly("  ttl: 10", "- loop_wait: 1", "+ loop_wait: 2", "+ pause: true");
        assertThat(LineDiff.of("a: 1\n", "a: 1\n")).isEmpty();
    }
}
