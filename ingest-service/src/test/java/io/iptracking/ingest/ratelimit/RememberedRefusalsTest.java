package io.iptracking.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The memory of refusals must answer exactly as the store would: compared with a store of real
 * (Bucket4j) buckets on the same clock, asked directly.
 */
class RememberedRefusalsTest {

    /** 5 per minute: a token every 12 s. */
    private static final Limit FIVE_PER_MINUTE = new Limit(5, Duration.ofMinutes(1), FailMode.OPEN);

    private final FakeTime time = new FakeTime();
    private final LocalRateLimiter buckets = new LocalRateLimiter(1000, Duration.ofMinutes(10), time);
    private final AtomicInteger storeCalls = new AtomicInteger();
    private final RateLimiter store = (key, limit) -> {
        storeCalls.incrementAndGet();
        return buckets.tryConsume(key, limit).thenApply(o -> new RateLimitOutcome(o.allowed(), o.limit(), o.remaining(),
                o.resetAfter(), o.retryAfter(), false));
    };
    /** Remembers a refusal until the next token: an hour is longer than any wait here. */
    private final RememberedRefusals limiter = new RememberedRefusals(store, Duration.ofHours(1), 100, time);

    @Test
    void aRefusedBucketIsRefusedWithoutTheStoreUntilItsNextToken() {
        for (int i = 0; i < 5; i++) {
            assertThat(consume("client").allowed()).isTrue();
        }
        RateLimitOutcome refused = consume("client");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(12));
        assertThat(storeCalls).hasValue(6);

        time.advance(Duration.ofSeconds(5));
        RateLimitOutcome remembered = consume("client");
        assertThat(storeCalls).as("answered from memory").hasValue(6);
        assertThat(remembered).isEqualTo(new RateLimitOutcome(false, 5, 0, refused.resetAfter().minusSeconds(5),
                Duration.ofSeconds(7), false));
        assertThat(limiter.answeredFromMemory()).isEqualTo(1);

        time.advance(Duration.ofSeconds(7).minusMillis(1));
        assertThat(consume("client").allowed()).as("memory ends a millisecond early (the store counts whole ones); the store still refuses").isFalse();
        assertThat(storeCalls).hasValue(7);
        time.advance(Duration.ofMillis(1));
        assertThat(consume("client").allowed()).as("the next token, from the store").isTrue();
        assertThat(storeCalls).hasValue(8);
        assertThat(consume("client").allowed()).isFalse();
        assertThat(storeCalls).hasValue(9);
    }

    @Test
    void answersAsTheStoreWouldAtEveryStep() {
        // A client sending every 700 ms for three minutes: each answer equals the store's own at that time.
        LocalRateLimiter reference = new LocalRateLimiter(1000, Duration.ofMinutes(10), time);
        int remembered = 0;
        for (int i = 0; i < 260; i++) {
            int before = storeCalls.get();
            RateLimitOutcome answer = consume("client");
            if (storeCalls.get() == before) {
                remembered++;
                RateLimitOutcome truth = reference.tryConsume("client", FIVE_PER_MINUTE).join();
                assertThat(answer.allowed()).isEqualTo(truth.allowed()).isFalse();
                assertThat(answer.retryAfter()).isEqualTo(truth.retryAfter());
                assertThat(answer.resetAfter()).isEqualTo(truth.resetAfter());
            } else {
                assertThat(answer.allowed()).isEqualTo(reference.tryConsume("client", FIVE_PER_MINUTE).join().allowed());
            }
            time.advance(Duration.ofMillis(700));
        }
        assertThat(remembered).isGreaterThan(150);
    }

    @Test
    void aStoreThatLostItsBucketsIsBelievedAgainWithinTheLongestTime() {
        AtomicReference<LocalRateLimiter> redis = new AtomicReference<>(new LocalRateLimiter(1000, Duration.ofMinutes(10), time));
        RememberedRefusals memory = new RememberedRefusals((key, limit) -> redis.get().tryConsume(key, limit)
                .thenApply(o -> new RateLimitOutcome(o.allowed(), o.limit(), o.remaining(), o.resetAfter(), o.retryAfter(), false)),
                Duration.ofSeconds(1), 100, time);
        for (int i = 0; i < 5; i++) {
            memory.tryConsume("client", FIVE_PER_MINUTE).join();
        }
        assertThat(memory.tryConsume("client", FIVE_PER_MINUTE).join().allowed()).isFalse();
        redis.set(new LocalRateLimiter(1000, Duration.ofMinutes(10), time));

        time.advance(Duration.ofMillis(999));
        assertThat(memory.tryConsume("client", FIVE_PER_MINUTE).join().allowed()).as("remembered").isFalse();
        time.advance(Duration.ofMillis(1));
        assertThat(memory.tryConsume("client", FIVE_PER_MINUTE).join().allowed()).as("the flushed store, asked again").isTrue();
    }

    @Test
    void otherClientsAndOtherLimitsAreOtherBuckets() {
        for (int i = 0; i < 6; i++) {
            consume("client");
        }
        assertThat(consume("client").allowed()).isFalse();
        assertThat(consume("someone else").allowed()).isTrue();
        assertThat(limiter.tryConsume("client", new Limit(10, Duration.ofMinutes(1), FailMode.OPEN)).join().allowed()).isTrue();
    }

    @Test
    void answersFromPerInstanceBucketsAreNeverRemembered() {
        AtomicBoolean storeDown = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        RateLimitOutcome localRefusal = new RateLimitOutcome(false, 5, 0, Duration.ofMinutes(1), Duration.ofSeconds(12), true);
        RememberedRefusals memory = new RememberedRefusals((key, limit) -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(storeDown.get() ? localRefusal
                    : new RateLimitOutcome(true, 5, 4, Duration.ofSeconds(12), Duration.ZERO, false));
        }, Duration.ofHours(1), 100, time);

        assertThat(memory.tryConsume("client", FIVE_PER_MINUTE).join().allowed()).isFalse();
        storeDown.set(false);
        assertThat(memory.tryConsume("client", FIVE_PER_MINUTE).join().allowed()).isTrue();
        assertThat(calls).hasValue(2);
    }

    private RateLimitOutcome consume(String key) {
        return limiter.tryConsume(key, FIVE_PER_MINUTE).join();
    }
}
