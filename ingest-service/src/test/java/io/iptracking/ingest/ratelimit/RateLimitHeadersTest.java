package io.iptracking.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

    private final RateLimitRule rule = RateLimitRulesTest.sensitive();

    @Test
    void formatsTheIetfHeadersAndRetryAfter() {
        RateLimitOutcome refused = new RateLimitOutcome(false, 5, 0, Duration.ofMillis(59_001), Duration.ofMillis(11_200), false);
        assertThat(RateLimitHeaders.policy(rule, refused)).isEqualTo("\"sensitive\";q=5;w=60");
        assertThat(RateLimitHeaders.rateLimit(rule, refused)).isEqualTo("\"sensitive\";r=0;t=60");
        assertThat(RateLimitHeaders.retryAfter(refused)).isEqualTo("12");
    }

    @Test
    void retryAfterIsNeverZero() {
        RateLimitOutcome almost = new RateLimitOutcome(false, 5, 0, Duration.ofMillis(10), Duration.ofMillis(10), false);
        assertThat(RateLimitHeaders.retryAfter(almost)).isEqualTo("1");
        RateLimitOutcome exact = new RateLimitOutcome(false, 5, 0, Duration.ofSeconds(12), Duration.ofSeconds(12), false);
        assertThat(RateLimitHeaders.retryAfter(exact)).isEqualTo("12");
    }
}
