package io.iptracking.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrivateRedisServerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Test
    void startsAnswersStopsAndRestartsOnItsOwnPort() throws Exception {
        try (PrivateRedisServer server = TestRedis.startPrivateServer()) {
            assertThat(server.isRunning()).isTrue();
            assertThat(server.port()).isNotEqualTo(6379);
            assertThat(Resp.ping(server.host(), server.port(), TIMEOUT)).isTrue();
            assertThat(Resp.call(server.host(), server.port(), TIMEOUT, "SET", "k", "v")).isEqualTo("OK");

            server.stop();
            assertThat(server.isRunning()).isFalse();
            assertThat(Resp.ping(server.host(), server.port(), TIMEOUT)).isFalse();

            server.restart();
            assertThat(Resp.ping(server.host(), server.port(), TIMEOUT)).isTrue();
            assertThat(Resp.call(server.host(), server.port(), TIMEOUT, "GET", "k")).as("nothing persisted").isNull();
        }
    }

    @Test
    void twoPrivateServersGetDifferentPortsAndTheSharedOneKeepsRunning() {
        RedisNamespace shared = TestRedis.newNamespace();
        try (PrivateRedisServer first = TestRedis.startPrivateServer();
                PrivateRedisServer second = TestRedis.startPrivateServer()) {
            assertThat(first.port()).isNotEqualTo(second.port()).isNotEqualTo(shared.port());
            first.stop();
            assertThat(Resp.ping(second.host(), second.port(), TIMEOUT)).isTrue();
        }
        assertThat(Resp.ping(shared.host(), shared.port(), TIMEOUT)).isTrue();
    }
}
