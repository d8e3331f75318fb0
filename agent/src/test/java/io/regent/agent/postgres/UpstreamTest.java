package io.regent.agent.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamTest {

    @Nested
    class FromConnUrl {

        @Test
        void readsHostAndPortOfAMembersConnUrl() {
            assertThat(Upstream.fromConnUrl("postgres://10.0.0.11:5433/postgres")).contains(new Upstream("10.0.0.11", 5433));
        }

        @Test
        void defaultsToPort5432() {
            assertThat(Upstream.fromConnUrl("postgres://db1.example.com/postgres")).contains(new Upstream("db1.example.com", 5432));
        }

        @Test
        void unwrapsAnIpv6Literal() {
            assertThat(Upstream.fromConnUrl("postgres://[fd00::11]:5432/postgres")).contains(new Upstream("fd00::11", 5432));
        }

        @Test
        void ignoresUserInfoAndQuery() {
            assertThat(Upstream.fromConnUrl("postgresql://replicator@10.0.0.11:5433/postgres?sslmode=require"))
                    .contains(new Upstream("10.0.0.11", 5433));
        }

        @ParameterizedTest(name = "\"{0}\" has no usable host")
        @NullAndEmptySource
        @ValueSource(strings = {"postgres:///postgres", "not a url", "10.0.0.11:5432", "postgres://:5432/postgres"})
        void isEmptyWithoutAHost(String connUrl) {
            assertThat(Upstream.fromConnUrl(connUrl)).isEmpty();
        }
    }

    @Nested
    class FromConninfo {

        @Test
        void readsHostAndPortOfAPrimaryConninfo() {
            assertThat(Upstream.fromConninfo("host=10.0.0.12 port=5433 user=replicator passfile=/var/lib/regent/node1.pgpass"
                    + " application_name=node1 connect_timeout=2")).contains(new Upstream("10.0.0.12", 5433));
        }

        @Test
        void readsQuotedValues() {
            assertThat(Upstream.fromConninfo("user='replicator' host='10.0.0.12' port='5433'"))
                    .contains(new Upstream("10.0.0.12", 5433));
        }

        @Test
        void acceptsHostaddrForHost() {
            assertThat(Upstream.fromConninfo("hostaddr=10.0.0.12 port=5434")).contains(new Upstream("10.0.0.12", 5434));
        }

        @Test
        void defaultsToPort5432() {
            assertThat(Upstream.fromConninfo("host=db2 user=replicator")).contains(new Upstream("db2", 5432));
        }

        @Test
        void toleratesExtraWhitespaceBetweenPairs() {
            assertThat(Upstream.fromConninfo("  host=db2\tport=6543   ")).contains(new Upstream("db2", 6543));
        }

        @Test
        void isEmptyWithoutAHost() {
            assertThat(Upstream.fromConninfo("port=5433 user=replicator")).isEmpty();
        }

        @Test
        void isEmptyWithAPortThatIsNotANumber() {
            assertThat(Upstream.fromConninfo("host=db2 port=fivefourthreetwo")).isEmpty();
        }

        @ParameterizedTest(name = "\"{0}\" configures no upstream")
        @NullAndEmptySource
        @ValueSource(strings = {"   ", "garbage", "=db2"})
        void isEmptyForNothingOrGarbage(String conninfo) {
            assertThat(Upstream.fromConninfo(conninfo)).isEmpty();
        }
    }

    @Test
    void printsAsHostColonPort() {
        assertThat(new Upstream("10.0.0.12", 5433)).hasToString("10.0.0.12:5433");
    }
}
