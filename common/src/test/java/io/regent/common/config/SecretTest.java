package io.regent.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretTest {

    @Test
    void printsAsStarsInsteadOfTheValue() {
        Secret secret = Secret.of("hunter2");

        assertThat(secret).hasToString("******");
        assertThat(String.valueOf(secret)).doesNotContain("hunter2");
    }

    @Test
    void revealsTheValueOnlyWhenAsked() {
        assertThat(Secret.of("hunter2").reveal()).isEqualTo("hunter2");
    }

    @Test
    void credentialsPrintTheUserButNotThePassword() {
        Credentials credentials = new Credentials("postgres", Secret.of("hunter2"));

        assertThat(credentials.toString()).contains("postgres").doesNotContain("hunter2");
    }

    @Test
    void aNullValueIsAnEmptySecret() {
        assertThat(Secret.of(null).isEmpty()).isTrue();
        assertThat(Secret.of(null).reveal()).isEmpty();
        assertThat(Secret.of("x").isEmpty()).isFalse();
    }

    @Test
    void secretsWithTheSameValueAreEqual() {
        assertThat(Secret.of("a")).isEqualTo(Secret.of("a")).hasSameHashCodeAs(Secret.of("a"));
        assertThat(Secret.of("a")).isNotEqualTo(Secret.of("b"));
    }

    @Test
    void replacingThePasswordKeepsTheUser() {
        Credentials credentials = new Credentials("replicator", Secret.of("old")).withPassword(Secret.of("new"));

        assertThat(credentials.username()).isEqualTo("replicator");
        assertThat(credentials.password().reveal()).isEqualTo("new");
    }
}
