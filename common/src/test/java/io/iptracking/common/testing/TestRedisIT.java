package io.iptracking.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TestRedisIT {

    private static RedisClient client;

    @BeforeAll
    static void client() {
        RedisNamespace namespace = TestRedis.newNamespace();
        client = RedisClient.create(namespace.uri());
    }

    @AfterAll
    static void shutdown() {
        client.shutdown();
    }

    @Test
    void setAndGetUnderTheNamespacePrefix() {
        RedisNamespace namespace = TestRedis.newNamespace();
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();

            assertThat(namespace.key("bucket")).isEqualTo(namespace.keyPrefix() + "bucket").startsWith(TestRedis.KEY_PREFIX);
            assertThat(redis.set(namespace.key("bucket"), "42")).isEqualTo("OK");
            assertThat(redis.get(namespace.key("bucket"))).isEqualTo("42");
            assertThat(redis.keys(namespace.keyPrefix() + "*")).containsExactly(namespace.key("bucket"));
        }
    }

    @Test
    void twoNamespacesDoNotShareKeys() {
        RedisNamespace first = TestRedis.newNamespace();
        RedisNamespace second = TestRedis.newNamespace();
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();

            redis.set(first.key("bucket"), "first");

            assertThat(second.keyPrefix()).isNotEqualTo(first.keyPrefix());
            assertThat(redis.get(second.key("bucket"))).isNull();
            assertThat(redis.keys(second.keyPrefix() + "*")).isEmpty();
        }
    }

    @Test
    void cleanupDeletesOnlyKeysUnderThePrefix() throws Exception {
        RedisNamespace doomed = TestRedis.newNamespace();
        RedisNamespace kept = TestRedis.newNamespace();
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            redis.set(doomed.key("a"), "1");
            redis.set(doomed.key("b"), "2");
            redis.set(kept.key("a"), "3");

            long deleted = new TestRedis.Endpoint(doomed.host(), doomed.port()).deleteKeys(doomed.keyPrefix());

            assertThat(deleted).isEqualTo(2);
            assertThat(redis.exists(doomed.key("a"), doomed.key("b"))).isZero();
            assertThat(redis.get(kept.key("a"))).isEqualTo("3");
        }
    }
}
