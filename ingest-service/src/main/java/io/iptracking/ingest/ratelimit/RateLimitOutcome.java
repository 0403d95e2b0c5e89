package io.iptracking.ingest.ratelimit;

import java.time.Duration;

/**
 * The answer for one request against one bucket.
 *
 * @param allowed whether a token was taken
 * @param limit the bucket's capacity
 * @param remaining tokens left after this request
 * @param resetAfter time until the bucket is full again
 * @param retryAfter time until the next token (zero when allowed)
 * @param local whether the answer came from a per-instance bucket because the shared store was down
 */
public record RateLimitOutcome(
        boolean allowed, long limit, long remaining, Duration resetAfter, Duration retryAfter, boolean local) {

    RateLimitOutcome asLocal() {
        return new RateLimitOutcome(allowed, limit, remaining, resetAfter, retryAfter, true);
    }
}
