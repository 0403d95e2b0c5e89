package io.iptracking.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link RateLimiter} must do; extended by the in-memory and the Redis implementation. */
abstract class RateLimiterContract {

    static final Limit FIVE_PER_MINUTE = new Limit(5, Duration.ofMinutes(1), FailMode.OPEN);

    FakeTime time;
    RateLimiter limiter;
    String key;

    abstract RateLimiter create(FakeTime time);

    @BeforeEach
    void setUp() {
        time = new FakeTime();
        limiter = create(time);
        key = "login:ip:" + UUID.randomUUID();
    }

    RateLimitOutcome consume(String k, Limit limit) {
        return limiter.tryConsume(k, limit).join();
    }

    @Test
    void allowsTheCapacityThenRefusesWithTimeUntilTheNextToken() {
        for (int i = 1; i <= 5; i++) {
            RateLimitOutcome outcome = consume(key, FIVE_PER_MINUTE);
            assertThat(outcome.allowed()).as("request %d", i).isTrue();
            assertThat(outcome.remaining()).isEqualTo(5 - i);
            assertThat(outcome.limit()).isEqualTo(5);
            assertThat(outcome.retryAfter()).isZero();
        }
        RateLimitOutcome sixth = consume(key, FIVE_PER_MINUTE);
        assertThat(sixth.allowed()).isFalse();
        assertThat(sixth.remaining()).isZero();
        // Greedy refill: one token every 12 s.
        assertThat(sixth.retryAfter()).isEqualTo(Duration.ofSeconds(12));
        assertThat(sixth.resetAfter()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void refillsOverThePeriod() {
        for (int i = 0; i < 5; i++) {
            consume(key, FIVE_PER_MINUTE);
        }
        assertThat(consume(key, FIVE_PER_MINUTE).allowed()).isFalse();
        time.advance(Duration.ofSeconds(11));
        assertThat(consume(key, FIVE_PER_MINUTE).allowed()).isFalse();
        time.advance(Duration.ofSeconds(1));
        assertThat(consume(key, FIVE_PER_MINUTE).allowed()).isTrue();
        assertThat(consume(key, FIVE_PER_MINUTE).allowed()).isFalse();
        time.advance(Duration.ofMinutes(1));
        RateLimitOutcome full = consume(key, FIVE_PER_MINUTE);
        assertThat(full.allowed()).isTrue();
        assertThat(full.remaining()).isEqualTo(4);
    }

    @Test
    void keysHaveIndependentBuckets() {
        for (int i = 0; i < 5; i++) {
            consume(key, FIVE_PER_MINUTE);
        }
        assertThat(consume(key, FIVE_PER_MINUTE).allowed()).isFalse();
        assertThat(consume(key + "-other", FIVE_PER_MINUTE).allowed()).isTrue();
    }

    @Test
    void aLargerLimitOnTheSameKeyIsItsOwnBucket() {
        Limit ten = new Limit(10, Duration.ofMinutes(1), FailMode.OPEN);
        for (int i = 0; i < 5; i++) {
            consume(key, FIVE_PER_MINUTE);
        }
        assertThat(consume(key, FIVE_PER_MINUTE).allowed()).isFalse();
        assertThat(consume(key, ten).remaining()).isEqualTo(9);
    }
}
