package io.iptracking.ingest.ratelimit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * Remembers, per bucket, that the shared store refused a request, and refuses the bucket's next
 * requests itself for a short while, without asking the store again.
 *
 * <p>While the store keeps its buckets, that is the store's own answer: a bucket gains tokens only as
 * time passes, and other edge instances can only take tokens from it, never give any back, so a bucket
 * that had no token for {@code retryAfter} has none before then whatever happens elsewhere. The time is
 * counted from before the store was asked, less a millisecond (Bucket4j's Redis buckets count whole
 * milliseconds of the wall clock). A refusal is remembered for at most {@code longest} too, so that a
 * store that lost its buckets (Redis restarted without persistence, flushed, or evicting keys) refuses
 * nobody for longer than that in the store's name. A client hammering a sensitive path (a password
 * guesser, a scraper) then costs the edge one Redis check per {@code longest}, where every request
 * would otherwise cost two round trips (Bucket4j's compare-and-swap: a read and a conditional write).
 *
 * <p>Only the store's refusals are remembered; allowed requests and answers from per-instance buckets
 * (the store down) always go through. At most {@code maxBuckets} refusals are kept.
 */
public final class RememberedRefusals implements RateLimiter, MeterBinder {

    /** The store's buckets count whole milliseconds: its refill may be due this much before ours. */
    private static final long STORE_CLOCK_GRANULARITY_NANOS = 1_000_000;

    private final RateLimiter store;
    private final long longestNanos;
    private final TimeMeter time;
    private final Cache<Bucket, Refusal> refusals;
    private final LongAdder answered = new LongAdder();

    /** A bucket as the store knows it: the key and the limit's shape (a changed limit is another bucket). */
    private record Bucket(String key, Limit limit) {
    }

    /**
     * Until when the refusal is answered from memory, and, as the store said, when the bucket gets its
     * next token and when it is full again.
     */
    private record Refusal(long untilNanos, long tokenAtNanos, long fullAtNanos) {
    }

    /**
     * @param store the shared buckets
     * @param longest how long a refusal is remembered at most
     * @param maxBuckets how many refused buckets are remembered at most
     * @param time a monotonic clock in nanoseconds
     */
    public RememberedRefusals(RateLimiter store, Duration longest, long maxBuckets, TimeMeter time) {
        this.store = store;
        this.longestNanos = longest.toNanos();
        this.time = time;
        this.refusals = Caffeine.newBuilder()
                .maximumSize(maxBuckets)
                .ticker(time::currentTimeNanos)
                .expireAfter(Expiry.creating((Bucket bucket, Refusal refusal) ->
                        Duration.ofNanos(Math.max(0, refusal.untilNanos() - time.currentTimeNanos()))))
                .build();
    }

    @Override
    public CompletableFuture<RateLimitOutcome> tryConsume(String key, Limit limit) {
        Bucket bucket = new Bucket(key, limit);
        long now = time.currentTimeNanos();
        Refusal refusal = refusals.getIfPresent(bucket);
        if (refusal != null && now < refusal.untilNanos()) {
            answered.increment();
            return CompletableFuture.completedFuture(new RateLimitOutcome(false, limit.capacity(), 0,
                    Duration.ofNanos(Math.max(0, refusal.fullAtNanos() - now)), Duration.ofNanos(refusal.tokenAtNanos() - now),
                    false));
        }
        return store.tryConsume(key, limit).thenApply(outcome -> {
            long remembered = Math.min(outcome.retryAfter().toNanos() - STORE_CLOCK_GRANULARITY_NANOS, longestNanos);
            if (!outcome.allowed() && !outcome.local() && remembered > 0) {
                refusals.put(bucket, new Refusal(now + remembered, now + outcome.retryAfter().toNanos(),
                        now + outcome.resetAfter().toNanos()));
            }
            return outcome;
        });
    }

    /** Requests refused from memory, without asking the store. */
    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("ipt.edge.ratelimit.remembered.refusals", this, RememberedRefusals::answeredFromMemory)
                .description("Requests refused without asking Redis: their bucket had refused and had no token yet")
                .register(registry);
    }

    public long answeredFromMemory() {
        return answered.sum();
    }
}
