package io.iptracking.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest extends RateLimiterContract {

    @Override
    RateLimiter create(FakeTime time) {
        return new LocalRateLimiter(1000, Duration.ofMinutes(10), time);
    }

    @Test
    void boundsTheNumberOfBuckets() {
        LocalRateLimiter small = new LocalRateLimiter(100, Duration.ofMinutes(10), time);
        for (int i = 0; i < 10_000; i++) {
            small.tryConsume("k" + i, FIVE_PER_MINUTE).join();
        }
        assertThat(small.trackedBuckets()).isLessThanOrEqualTo(100);
    }
}
