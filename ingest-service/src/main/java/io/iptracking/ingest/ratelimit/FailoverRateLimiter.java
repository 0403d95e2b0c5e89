package io.iptracking.ingest.ratelimit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared buckets while the store answers, per-instance buckets while it does not. After a failure
 * the store is left alone for {@code retryInterval} (so a dead Redis costs no time per request),
 * then the next request tries it again; the first success ends the degraded state. A rule that
 * fails closed refuses its requests while degraded instead of counting them locally.
 */
public final class FailoverRateLimiter implements RateLimiter, MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(FailoverRateLimiter.class);

    private final RateLimiter shared;
    private final RateLimiter local;
    private final Duration retryInterval;
    private final TimeMeter time;
    private final LongAdder storeErrors = new LongAdder();
    private volatile long degradedUntilNanos;
    private volatile boolean degraded;

    public FailoverRateLimiter(RateLimiter shared, RateLimiter local, Duration retryInterval, TimeMeter time) {
        this.shared = shared;
        this.local = local;
        this.retryInterval = retryInterval;
        this.time = time;
    }

    @Override
    public CompletableFuture<RateLimitOutcome> tryConsume(String key, Limit limit) {
        if (degraded && time.currentTimeNanos() < degradedUntilNanos) {
            return fallback(key, limit);
        }
        return shared.tryConsume(key, limit)
                .thenApply(outcome -> {
                    if (degraded) {
                        degraded = false;
                        log.info("Rate-limit store is back: shared buckets in use again");
                    }
                    return outcome;
                })
                .exceptionallyCompose(error -> {
                    storeErrors.increment();
                    degradedUntilNanos = time.currentTimeNanos() + retryInterval.toNanos();
                    if (!degraded) {
                        degraded = true;
                        log.warn("Rate-limit store failed ({}); using per-instance buckets, retrying in {}",
                                rootMessage(error), retryInterval);
                    }
                    return fallback(key, limit);
                });
    }

    /** True while requests are counted per instance because the shared store failed. */
    /** Whether limits are counted per instance, and how often the store failed. */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("ipt.edge.ratelimit.local", this, l -> l.isDegraded() ? 1 : 0)
                .description("1 while rate limits are counted per instance because Redis failed").register(registry);
        FunctionCounter.builder("ipt.edge.ratelimit.store.errors", this, FailoverRateLimiter::storeErrors)
                .description("Failed calls to the rate-limit store (Redis)").register(registry);
    }

    public boolean isDegraded() {
        return degraded;
    }

    /** Failed calls to the shared store since start. */
    public long storeErrors() {
        return storeErrors.sum();
    }

    private CompletableFuture<RateLimitOutcome> fallback(String key, Limit limit) {
        if (limit.whenStoreDown() == FailMode.CLOSED) {
            return CompletableFuture.completedFuture(
                    new RateLimitOutcome(false, limit.capacity(), 0, retryInterval, retryInterval, true));
        }
        return local.tryConsume(key, limit).thenApply(RateLimitOutcome::asLocal);
    }

    private static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
