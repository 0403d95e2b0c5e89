package io.iptracking.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a test author sees when a service is missing or misconfigured. No server needed. */
class FixtureFailuresTest {

    @Test
    void postgresNotReachableNamesTheAddressAndTheVariables() throws IOException {
        TestPostgres.Server server = new TestPostgres.Server("127.0.0.1", closedPort(), "postgres", "", false);

        assertThatThrownBy(server::checkReachable)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("PostgreSQL not reachable at 127.0.0.1:" + server.port + " as user 'postgres'")
                .hasMessageContaining("start it (deploy/local/services.sh) or set IPT_TEST_POSTGRES_HOST");
    }

    @Test
    void redisNotReachableNamesTheAddressAndTheVariables() throws IOException {
        TestRedis.Endpoint endpoint = new TestRedis.Endpoint("127.0.0.1", closedPort());

        assertThatThrownBy(endpoint::checkReachable)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Redis not reachable at 127.0.0.1:" + endpoint.port)
                .hasMessageContaining("start it (deploy/local/services.sh) or set IPT_TEST_REDIS_HOST, IPT_TEST_REDIS_PORT");
    }

    @Test
    void environmentDefaultsApplyWhenUnsetOrBlank() {
        Map<String, String> env = Map.of("SET", " 10.0.0.5 ", "BLANK", " ");

        assertThat(TestEnv.get(env::get, "SET", "127.0.0.1")).isEqualTo("10.0.0.5");
        assertThat(TestEnv.get(env::get, "BLANK", "127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(TestEnv.get(env::get, "UNSET", "127.0.0.1")).isEqualTo("127.0.0.1");
    }

    @Test
    void aFailedSetupIsRememberedWithItsMessage() {
        int[] calls = {0};
        Memo<String> memo = new Memo<>(() -> {
            calls[0]++;
            throw new IllegalStateException("Redis not reachable at 127.0.0.1:1");
        });

        assertThatThrownBy(memo::get).hasMessage("Redis not reachable at 127.0.0.1:1");
        assertThatThrownBy(memo::get).hasMessage("Redis not reachable at 127.0.0.1:1");
        assertThat(calls[0]).isEqualTo(1);
    }

    @Test
    void respEncodesCommandsAsArraysOfBulkStrings() {
        assertThat(new String(Resp.encode("SET", "k", "välue"))).isEqualTo("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\nvälue\r\n");
    }

    private static int closedPort() {
        return FreePorts.one();
    }
}
