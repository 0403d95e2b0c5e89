package io.iptracking.ingest.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Buckets shared by every edge instance, stored in Redis by Bucket4j (compare-and-swap over Lettuce).
 * Each call has a hard timeout; a failure completes the future exceptionally and the caller decides
 * what to do (see {@link FailoverRateLimiter}). Bucket keys expire once a bucket would be full again,
 * so idle clients leave nothing behind in Redis.
 */
public final class RedisRateLimiter implements RateLimiter {

    /** Kept after a bucket is full again, so a returning client within this time finds its bucket. */
    private static final Duration KEEP_AFTER_REFILL = Duration.ofSeconds(10);

    private final BucketStoreConnection store;
    private final String keyPrefix;
    private final Duration requestTimeout;
    private final TimeMeter time;
    private volatile AsyncProxyManager<String> proxies;
    private final Cache<String, AsyncBucketProxy> buckets;

    /**
     * @param store the connection, whose commands already fail fast when Redis is away
     * @param keyPrefix prefix of every Redis key, so several deployments can share one Redis
     * @param requestTimeout hard limit for one bucket operation
     * @param time the clock buckets refill by (every instance must agree on it: NTP in production)
     */
    public RedisRateLimiter(BucketStoreConnection store, String keyPrefix, Duration requestTimeout, TimeMeter time) {
        this.store = store;
        this.keyPrefix = keyPrefix;
        this.requestTimeout = requestTimeout;
        this.time = time;
        // One proxy per hot key lets concurrent requests for it share round trips (batching).
        this.buckets = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();
    }

    /** Built on first use, since the connection may only exist some time after start-up. */
    private AsyncProxyManager<String> proxies() {
        AsyncProxyManager<String> p = proxies;
        if (p == null) {
            StatefulRedisConnection<byte[], byte[]> connection = store.connection();
            if (connection == null) {
                return null;
            }
            synchronized (this) {
                if (proxies == null) {
                    proxies = Bucket4jLettuce.casBasedBuilder(connection)
                            .requestTimeout(requestTimeout)
                            .clientClock(time)
                            .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_REFILL))
                            .build()
                            .asAsync()
                            .withMapper((String key) -> (keyPrefix + key).getBytes(StandardCharsets.UTF_8));
                }
                p = proxies;
            }
        }
        return p;
    }

    @Override
    public CompletableFuture<RateLimitOutcome> tryConsume(String key, Limit limit) {
        // The limit's shape is part of the key: a changed limit starts a new bucket instead of
        // silently keeping the old one's capacity.
        String redisKey = key + ':' + limit.capacity() + '/' + limit.period().toSeconds() + 's';
        AsyncProxyManager<String> manager = proxies();
        if (manager == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis yet"));
        }
        AsyncBucketProxy bucket = buckets.get(redisKey, k -> manager.builder()
                .withOptimization(Optimizations.batching())
                .build(k, () -> CompletableFuture.completedFuture(Buckets.configuration(limit))));
        return bucket.tryConsumeAndReturnRemaining(1).thenApply(probe -> Buckets.outcome(limit, probe));
    }
}
