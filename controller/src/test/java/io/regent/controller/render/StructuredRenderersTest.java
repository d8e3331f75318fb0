package io.regent.controller.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.regent.common.model.ClusterView;
import io.regent.controller.fixture.Views;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StructuredRenderersTest {

    private static final TypeReference<List<Map<String, Object>>> ROWS = new TypeReference<>() { };

    private final MemberListing demo = MemberListing.of("demo", Views.healthyDemo());

    @Test
    void jsonIsAListOfObjectsWithTheTableFieldsAndTheScope() throws Exception {
        List<Map<String, Object>> rows = new ObjectMapper().readValue(new JsonRenderer().render(demo), ROWS);

        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).containsExactlyEntriesOf(ordered(
                "scope", "demo", "id", 1, "name", "node1", "role", "primary", "status", "running", "upstream", null,
                "streams_from", null, "location", "default", "priority", 100, "timeline", 1, "lsn_lag", null, "lsn_lag_bytes", null,
                "connection_string", "postgres://127.0.0.1:5432/postgres"));
        assertThat(rows.get(1)).containsEntry("upstream", "node1").containsEntry("lsn_lag", "2.0 kB")
                .containsEntry("lsn_lag_bytes", 2048);
        assertThat(rows.get(2)).containsEntry("lsn_lag", "unknown").containsEntry("lsn_lag_bytes", null);
    }

    @Test
    void yamlCarriesTheSameRowsAsJson() throws Exception {
        List<Map<String, Object>> fromYaml = new ObjectMapper(new YAMLFactory()).readValue(new YamlRenderer().render(demo), ROWS);
        List<Map<String, Object>> fromJson = new ObjectMapper().readValue(new JsonRenderer().render(demo), ROWS);

        assertThat(fromYaml).isEqualTo(fromJson);
    }

    @Test
    void anEmptyClusterIsAnEmptyList() {
        MemberListing empty = MemberListing.of("demo", ClusterView.empty(1));

        assertThat(new JsonRenderer().render(empty)).isEqualTo("[ ]\n");
        assertThat(new YamlRenderer().render(empty).trim()).isEqualTo("[]");
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
