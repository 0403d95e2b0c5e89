package io.iptracking.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import io.iptracking.common.testing.RedisNamespace;
import io.iptracking.common.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The limiter contract against a real Redis, plus what only a shared store can show. */
class RedisRateLimiterIT extends RateLimiterContract {

    private static final RedisNamespace NAMESPACE = TestRedis.newNamespace();
    private static final String PREFIX = NAMESPACE.keyPrefix();
    private static BucketStoreConnection redis;

    @BeforeAll
    static void connect() {
        redis = BucketStoreConnection.open(RedisURI.create(NAMESPACE.uri()), Duration.ofSeconds(2));
    }

    @AfterAll
    static void close() {
        redis.close();
    }

    @Override
    RateLimiter create(FakeTime time) {
        return new RedisRateLimiter(redis, PREFIX, Duration.ofSeconds(2), time);
    }

    @Test
    void instancesShareBuckets() {
        RateLimiter otherInstance = create(time);
        for (int i = 0; i < 3; i++) {
            consume(key, FIVE_PER_MINUTE);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(otherInstance.tryConsume(key, FIVE_PER_MINUTE).join().allowed()).isTrue();
        }
        assertThat(otherInstance.tryConsume(key, FIVE_PER_MINUTE).join().allowed()).isFalse();
        assertThat(consume(key, FIVE_PER_MINUTE).allowed()).isFalse();
    }

    @Test
    void bucketKeysGetATimeToLive() {
        consume(key, FIVE_PER_MINUTE);
        Long ttl = redis.connection().sync().pttl((PREFIX + key + ":5/60s").getBytes(StandardCharsets.UTF_8));
        // Refill to full takes 12 s after one request, plus the 10 s kept afterwards.
        assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(22).toMillis());
    }
}
