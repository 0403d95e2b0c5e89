package io.iptracking.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FailoverRateLimiterTest {

    private static final Limit OPEN = new Limit(2, Duration.ofMinutes(1), FailMode.OPEN);
    private static final Limit CLOSED = new Limit(2, Duration.ofMinutes(1), FailMode.CLOSED);

    private final FakeTime time = new FakeTime();
    private final AtomicBoolean storeUp = new AtomicBoolean(true);
    private final AtomicInteger storeCalls = new AtomicInteger();
    private FailoverRateLimiter limiter;

    @BeforeEach
    void setUp() {
        RateLimiter store = new LocalRateLimiter(1000, Duration.ofMinutes(10), time);
        RateLimiter flakyStore = (key, limit) -> {
            storeCalls.incrementAndGet();
            return storeUp.get() ? store.tryConsume(key, limit)
                    : CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
        };
        limiter = new FailoverRateLimiter(flakyStore, new LocalRateLimiter(1000, Duration.ofMinutes(10), time),
                Duration.ofSeconds(5), time);
    }

    @Test
    void usesTheSharedStoreWhileItAnswers() {
        RateLimitOutcome outcome = limiter.tryConsume("k", OPEN).join();
        assertThat(outcome.allowed()).isTrue();
        assertThat(outcome.local()).isFalse();
        assertThat(limiter.isDegraded()).isFalse();
    }

    @Test
    void failsOpenToLocalBucketsThatStillLimit() {
        storeUp.set(false);
        RateLimitOutcome first = limiter.tryConsume("k", OPEN).join();
        assertThat(first.allowed()).isTrue();
        assertThat(first.local()).isTrue();
        assertThat(limiter.isDegraded()).isTrue();
        assertThat(limiter.tryConsume("k", OPEN).join().allowed()).isTrue();
        assertThat(limiter.tryConsume("k", OPEN).join().allowed()).isFalse();
        assertThat(limiter.storeErrors()).isEqualTo(1);
    }

    @Test
    void leavesAFailedStoreAloneUntilTheRetryInterval() {
        storeUp.set(false);
        limiter.tryConsume("k", OPEN).join();
        limiter.tryConsume("k", OPEN).join();
        limiter.tryConsume("k", OPEN).join();
        assertThat(storeCalls).hasValue(1);
        time.advance(Duration.ofSeconds(5));
        limiter.tryConsume("k", OPEN).join();
        assertThat(storeCalls).hasValue(2);
    }

    @Test
    void recoversOnItsOwnWhenTheStoreReturns() {
        storeUp.set(false);
        limiter.tryConsume("k", OPEN).join();
        storeUp.set(true);
        time.advance(Duration.ofSeconds(5));
        RateLimitOutcome outcome = limiter.tryConsume("k", OPEN).join();
        assertThat(outcome.local()).isFalse();
        assertThat(limiter.isDegraded()).isFalse();
    }

    @Test
    void failClosedRulesRefuseWhileTheStoreIsDown() {
        storeUp.set(false);
        RateLimitOutcome outcome = limiter.tryConsume("k", CLOSED).join();
        assertThat(outcome.allowed()).isFalse();
        assertThat(outcome.local()).isTrue();
        assertThat(outcome.retryAfter()).isEqualTo(Duration.ofSeconds(5));
    }
}
