package io.regent.controller.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.regent.common.model.Lsn;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LsnLagTest {

    @ParameterizedTest(name = "{0} bytes read as ''{1}''")
    @CsvSource({
            "0, 0 bytes",
            "1023, 1023 bytes",
            "1024, 1.0 kB",
            "1536, 1.5 kB",
            "16384, 16 kB",
            "1048575, 1024 kB",
            "1048576, 1.0 MB",
            "50331648, 48 MB",
            "3435973837, 3.2 GB"})
    void sizesReadInTheLargestUnitBelow1024(long bytes, String text) {
        assertThat(LsnLag.bytes(bytes).text()).isEqualTo(text);
    }

    @Test
    void theLeaderHasNoLagToShow() {
        assertThat(LsnLag.LEADER.text()).isEmpty();
        assertThat(LsnLag.LEADER.knownBytes()).isEmpty();
    }

    @Test
    void aLagIsUnknownWhenEitherPositionIsMissing() {
        assertThat(LsnLag.between(Optional.empty(), Optional.of(new Lsn(5)))).isEqualTo(LsnLag.UNKNOWN);
        assertThat(LsnLag.between(Optional.of(new Lsn(5)), Optional.empty())).isEqualTo(LsnLag.UNKNOWN);
        assertThat(LsnLag.UNKNOWN.text()).isEqualTo("unknown");
    }

    @Test
    void aMemberThatPublishedAfterTheLeaderIsNotBehindIt() {
        assertThat(LsnLag.between(Optional.of(new Lsn(100)), Optional.of(new Lsn(150)))).isEqualTo(LsnLag.bytes(0));
    }
}
