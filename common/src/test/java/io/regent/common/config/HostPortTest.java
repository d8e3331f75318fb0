package io.regent.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

    @Test
    void parsesAnIpv4AddressAndPort() {
        assertThat(HostPort.parse("127.0.0.1:5432")).isEqualTo(new HostPort("127.0.0.1", 5432));
    }

    @Test
    void parsesAHostName() {
        assertThat(HostPort.parse("db1.example.com:8008")).isEqualTo(new HostPort("db1.example.com", 8008));
    }

    @Test
    void parsesABracketedIpv6AddressWithoutTheBrackets() {
        HostPort parsed = HostPort.parse("[::1]:8008");

        assertThat(parsed.host()).isEqualTo("::1");
        assertThat(parsed.port()).isEqualTo(8008);
    }

    @Test
    void formatsAnIpv6HostInBrackets() {
        assertThat(new HostPort("2001:db8::7", 5432)).hasToString("[2001:db8::7]:5432");
    }

    @Test
    void formatsAnIpv4HostWithoutBrackets() {
        assertThat(new HostPort("10.0.0.1", 5432)).hasToString("10.0.0.1:5432");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"127.0.0.1:5432", "localhost:1", "db.example.com:65535", "[::1]:8008", "[fe80::1:2]:5432"})
    void formattingWhatWasParsedGivesTheSameText(String text) {
        assertThat(HostPort.parse(text)).hasToString(text);
    }

    @ParameterizedTest(name = "\"{0}\": {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                | expected host:port
            localhost         | expected host:port
            :5432             | expected host:port
            localhost:        | expected host:port
            localhost:http    | port is not a number
            localhost:0       | port must be 1..65535 (got 0)
            localhost:65536   | port must be 1..65535 (got 65536)
            localhost:-1      | port is not a number
            localhost:+80     | port is not a number
            ::1:8008          | an IPv6 address needs brackets
            [::1:8008         | unbalanced brackets
            []:5432           | unbalanced brackets
            [::1]             | unbalanced brackets
            """)
    void rejectsTextThatIsNotHostColonPort(String text, String reason) {
        assertThatIllegalArgumentException().isThrownBy(() -> HostPort.parse(text)).withMessageContaining(reason);
    }

    @Test
    void rejectsABlankHost() {
        assertThatIllegalArgumentException().isThrownBy(() -> new HostPort(" ", 5432)).withMessage("host is empty");
    }
}
