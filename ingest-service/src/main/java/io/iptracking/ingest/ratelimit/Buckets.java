package io.iptracking.ingest.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;

/** Bucket4j translations shared by the local and the Redis limiter, so both count the same way. */
final class Buckets {

    private Buckets() {
    }

    static BucketConfiguration configuration(Limit limit) {
        return BucketConfiguration.builder()
                .addLimit(b -> b.capacity(limit.capacity()).refillGreedy(limit.capacity(), limit.period()))
                .build();
    }

    static RateLimitOutcome outcome(Limit limit, ConsumptionProbe probe) {
        return new RateLimitOutcome(
                probe.isConsumed(),
                limit.capacity(),
                probe.getRemainingTokens(),
                Duration.ofNanos(probe.getNanosToWaitForReset()),
                probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill()),
                false);
    }
}
