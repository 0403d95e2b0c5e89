package io.iptracking.ingest.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Per-instance in-memory buckets: the fallback while Redis is down, and the whole limiter when no
 * Redis is configured. The number of buckets is bounded so a flood of distinct clients cannot
 * exhaust the heap; an evicted bucket starts full again, which errs on the side of letting traffic in.
 */
public final class LocalRateLimiter implements RateLimiter {

    private final Cache<BucketId, Bucket> buckets;
    private final TimeMeter time;

    /**
     * @param maxBuckets how many keys to track at most
     * @param idleExpiry how long an unused bucket is kept (at least the longest rule period, so a
     *     client cannot reset its bucket by pausing)
     * @param time the clock the buckets refill by
     */
    public LocalRateLimiter(long maxBuckets, Duration idleExpiry, TimeMeter time) {
        this.buckets = Caffeine.newBuilder().maximumSize(maxBuckets).expireAfterAccess(idleExpiry).build();
        this.time = time;
    }

    @Override
    public CompletableFuture<RateLimitOutcome> tryConsume(String key, Limit limit) {
        Bucket bucket = buckets.get(new BucketId(key, limit), id -> Bucket.builder()
                .withCustomTimePrecision(time)
                .addLimit(b -> b.capacity(limit.capacity()).refillGreedy(limit.capacity(), limit.period()))
                .build());
        return CompletableFuture.completedFuture(Buckets.outcome(limit, bucket.tryConsumeAndReturnRemaining(1)));
    }

    long trackedBuckets() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private record BucketId(String key, Limit limit) {
    }
}
