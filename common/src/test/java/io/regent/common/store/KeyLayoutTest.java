package io.regent.common.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyLayoutTest {

    private final KeyLayout keys = new KeyLayout("/service/", "demo");

    @Test
    void everyKeyLivesUnderNamespaceAndScope() {
        assertThat(keys.prefix()).isEqualTo("/service/demo/");
        assertThat(keys.leader()).isEqualTo("/service/demo/leader");
        assertThat(keys.initialize()).isEqualTo("/service/demo/initialize");
        assertThat(keys.config()).isEqualTo("/service/demo/config");
        assertThat(keys.failover()).isEqualTo("/service/demo/failover");
        assertThat(keys.sync()).isEqualTo("/service/demo/sync");
        assertThat(keys.history()).isEqualTo("/service/demo/history");
        assertThat(keys.status()).isEqualTo("/service/demo/status");
        assertThat(keys.membersPrefix()).isEqualTo("/service/demo/members/");
        assertThat(keys.member("node1")).isEqualTo("/service/demo/members/node1");
    }

    @Test
    void aNamespaceWithoutTrailingSlashGivesTheSameKeys() {
        KeyLayout withoutSlash = new KeyLayout("/service", "demo");

        assertThat(withoutSlash.prefix()).isEqualTo("/service/demo/");
        assertThat(withoutSlash.leader()).isEqualTo(keys.leader());
        assertThat(withoutSlash.member("node1")).isEqualTo(keys.member("node1"));
    }

    @Test
    void anotherNamespaceMovesEveryKey() {
        KeyLayout other = new KeyLayout("/regent/", "prod");

        assertThat(other.leader()).isEqualTo("/regent/prod/leader");
        assertThat(other.member("pg-1")).isEqualTo("/regent/prod/members/pg-1");
    }

    @Test
    void aMemberKeyYieldsTheMemberName() {
        assertThat(keys.memberName("/service/demo/members/node1")).contains("node1");
        assertThat(keys.memberName(keys.member("pg-2.dc1"))).contains("pg-2.dc1");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/service/demo/leader",
            "/service/demo/config",
            "/service/demo/members/",
            "/service/demo/members",
            "/service/demo/members/node1/extra",
            "/service/other/members/node1",
            "/service/demo2/members/node1",
            "/regent/demo/members/node1",
            "service/demo/members/node1"})
    void keysThatAreNotADirectMemberKeyYieldNoName(String key) {
        assertThat(keys.memberName(key)).isEmpty();
    }
}
