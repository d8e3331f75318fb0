package io.regent.controller.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectionStringsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "postgres://127.0.0.1:5432/postgres | postgres://127.0.0.1:5432/postgres",
            "postgres://replicator:s3cret@10.0.0.1:5432/postgres | postgres://replicator:******@10.0.0.1:5432/postgres",
            "postgres://u@h:5432/db?sslmode=require&password=s3cret | postgres://u@h:5432/db?sslmode=require&password=******",
            "host=h port=5432 user=u password=s3cret dbname=postgres | host=h port=5432 user=u password=****** dbname=postgres",
            "host=h password = 'a s3cret' user=u | host=h password = ****** user=u"})
    void passwordsAreMaskedWhateverTheSyntax(String published, String shown) {
        assertThat(ConnectionStrings.redact(published)).isEqualTo(shown).doesNotContain("s3cret");
    }
}
