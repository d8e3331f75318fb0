package io.regent.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {

    @ParameterizedTest(name = "{0} is {1} bytes")
    @CsvSource({"0,0", "16777216,16777216", "100B,100", "1kB,1024", "16MB,16777216", "16mb,16777216", "2GB,2147483648",
            "1TB,1099511627776", "' 16 MB ',16777216"})
    void sizes_are_plain_bytes_or_postgresql_units(String text, long bytes) {
        assertThat(ByteSize.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "''{0}'' is refused")
    @ValueSource(strings = {"", "abc", "-1", "1.5MB", "16 XB", "MB", "99999999999999999999", "9999999999TB"})
    void anything_else_is_refused(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_query_with_a_bad_lag_is_a_bad_request_naming_the_parameter() {
        MultiMap params = MultiMap.caseInsensitiveMultiMap().add("lag", "abc");
        assertThatThrownBy(() -> HealthQuery.parse(params)).isInstanceOf(BadRequestException.class)
                .hasMessageStartingWith("lag: expected a number of bytes");
    }

    @Test
    void a_query_collects_lag_and_tag_filters_and_ignores_the_rest() {
        MultiMap params = MultiMap.caseInsensitiveMultiMap().add("lag", "1MB").add("tag_location", "dc1").add("mode", "x");
        assertThat(HealthQuery.parse(params)).isEqualTo(new HealthQuery(Optional.of(1_048_576L), Map.of("location", "dc1")));
    }
}
