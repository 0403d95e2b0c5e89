package io.iptracking.ingest.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * Remembers, per bucket, that the shared store refused a request, and refuses the bucket's next
 * requests itself until the store said a token would come back, without asking it again.
 *
 * <p>That answer is the store's own: a bucket gains tokens only as time passes, and other edge
 * instances can only take tokens from it, never give any back, so a bucket that had no token for
 * {@code retryAfter} has none before then whatever happens elsewhere. The time is counted from before
 * the store was asked, so a refusal is never remembered for longer than the store would refuse. A client
 * hammering a sensitive path (a password guesser, a scraper) then costs the edge no Redis round trip
 * after its first refusal per refill, where every request would otherwise cost two (Bucket4j's
 * compare-and-swap: a read and a conditional write).
 *
 * <p>Only the store's refusals are remembered; allowed requests and answers from per-instance buckets
 * (the store down) always go through. At most {@code maxBuckets} refusals are kept, each only until its
 * token is due.
 */
public final class RememberedRefusals implements RateLimiter {

    private final RateLimiter store;
    private final TimeMeter time;
    private final Cache<Bucket, Refusal> refusals;
    private final LongAdder answered = new LongAdder();

    /** A bucket as the store knows it: the key and the limit's shape (a changed limit is another bucket). */
    private record Bucket(String key, Limit limit) {
    }

    /** When the store's refused bucket gets its next token, and when it is full again. */
    private record Refusal(long tokenAtNanos, long fullAtNanos) {
    }

    /**
     * @param store the shared buckets
     * @param maxBuckets how many refused buckets are remembered at most
     * @param time a monotonic clock in nanoseconds
     */
    public RememberedRefusals(RateLimiter store, long maxBuckets, TimeMeter time) {
        this.store = store;
        this.time = time;
        this.refusals = Caffeine.newBuilder()
                .maximumSize(maxBuckets)
                .ticker(time::currentTimeNanos)
                .expireAfter(Expiry.creating((Bucket bucket, Refusal refusal) ->
                        Duration.ofNanos(Math.max(0, refusal.tokenAtNanos() - time.currentTimeNanos()))))
                .build();
    }

    @Override
    public CompletableFuture<RateLimitOutcome> tryConsume(String key, Limit limit) {
        Bucket bucket = new Bucket(key, limit);
        long now = time.currentTimeNanos();
        Refusal refusal = refusals.getIfPresent(bucket);
        if (refusal != null && now < refusal.tokenAtNanos()) {
            answered.increment();
            return CompletableFuture.completedFuture(new RateLimitOutcome(false, limit.capacity(), 0,
                    Duration.ofNanos(Math.max(0, refusal.fullAtNanos() - now)), Duration.ofNanos(refusal.tokenAtNanos() - now),
                    false));
        }
        return store.tryConsume(key, limit).thenApply(outcome -> {
            if (!outcome.allowed() && !outcome.local() && outcome.retryAfter().isPositive()) {
                refusals.put(bucket, new Refusal(now + outcome.retryAfter().toNanos(), now + outcome.resetAfter().toNanos()));
            }
            return outcome;
        });
    }

    /** Requests refused from memory, without asking the store. */
    public long answeredFromMemory() {
        return answered.sum();
    }
}
