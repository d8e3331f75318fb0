package io.regent.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LsnTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "0/0,          0",
            "0/3000060,    50331744",
            "16/B374D848,  97500059720",
            "1/0,          4294967296",
            "0/FFFFFFFF,   4294967295",
            "7FFFFFFF/FFFFFFFF, 9223372036854775807"})
    void parsesPostgresTextIntoTheByteNumberAndPrintsItBack(String text, long bytes) {
        Lsn lsn = Lsn.parse(text);

        assertThat(lsn.value()).isEqualTo(bytes);
        assertThat(lsn).hasToString(text);
        assertThat(new Lsn(bytes)).isEqualTo(lsn);
    }

    @Test
    void acceptsLowerCaseHexAndPrintsUpperCase() {
        assertThat(Lsn.parse("16/b374d848")).hasToString("16/B374D848");
    }

    @Test
    void zeroPrintsAsZeroSlashZero() {
        assertThat(Lsn.ZERO).hasToString("0/0").isEqualTo(Lsn.parse("0/0"));
    }

    @Test
    void ordersByPositionInTheWal() {
        Lsn early = Lsn.parse("0/3000060");
        Lsn late = Lsn.parse("16/B374D848");
        Lsn highHalfOnly = Lsn.parse("1/0");

        List<Lsn> lsns = new ArrayList<>(List.of(late, highHalfOnly, Lsn.ZERO, early));
        lsns.sort(null);

        assertThat(lsns).containsExactly(Lsn.ZERO, early, highHalfOnly, late);
    }

    @Test
    void aLowHalfBelowTheHighHalfSortsFirstThoughItsHexLooksBigger() {
        assertThat(Lsn.parse("0/FFFFFFFF")).isLessThan(Lsn.parse("1/0"));
    }

    @Test
    void comparesWithIsAfterAndMax() {
        Lsn a = Lsn.parse("0/3000060");
        Lsn b = Lsn.parse("0/3000100");

        assertThat(b.isAfter(a)).isTrue();
        assertThat(a.isAfter(b)).isFalse();
        assertThat(a.isAfter(a)).isFalse();
        assertThat(Lsn.max(a, b)).isSameAs(b);
        assertThat(Lsn.max(b, a)).isSameAs(b);
    }

    @Test
    void measuresHowManyBytesOnePositionIsAheadOfAnother() {
        Lsn a = Lsn.parse("0/3000060");
        Lsn b = Lsn.parse("0/3000100");

        assertThat(b.bytesAhead(a)).isEqualTo(0xA0);
        assertThat(a.bytesAhead(b)).isEqualTo(-0xA0);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "3000060", "/3000060", "0/", "/", "x/1", "0/zz", "0/3000060/1", "0 / 3000060", "-1/0", "0/-1"})
    void rejectsTextThatIsNotAnLsn(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Lsn.parse(text));
    }

    @Test
    void rejectionSaysWhatWasExpected() {
        assertThatIllegalArgumentException().isThrownBy(() -> Lsn.parse("3000060"))
                .withMessageContaining("expected X/Y in hex")
                .withMessageContaining("3000060");
    }

    @Test
    void cannotBeNegative() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Lsn(-1)).withMessageContaining("negative");
    }
}
