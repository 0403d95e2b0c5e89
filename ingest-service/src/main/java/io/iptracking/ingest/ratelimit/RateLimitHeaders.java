package io.iptracking.ingest.ratelimit;

import java.time.Duration;

/**
 * Response headers that tell a client its limit, in the IETF httpapi format
 * (draft-ietf-httpapi-ratelimit-headers): {@code RateLimit-Policy: "login";q=5;w=60} and
 * {@code RateLimit: "login";r=0;t=60}, plus {@code Retry-After} on refusals.
 */
public final class RateLimitHeaders {

    public static final String POLICY = "RateLimit-Policy";
    public static final String RATE_LIMIT = "RateLimit";
    public static final String RETRY_AFTER = "Retry-After";

    private RateLimitHeaders() {
    }

    public static String policy(RateLimitRule rule, RateLimitOutcome outcome) {
        return "\"" + rule.name() + "\";q=" + outcome.limit() + ";w=" + rule.period().toSeconds();
    }

    public static String rateLimit(RateLimitRule rule, RateLimitOutcome outcome) {
        return "\"" + rule.name() + "\";r=" + outcome.remaining() + ";t=" + ceilSeconds(outcome.resetAfter());
    }

    /** Whole seconds until a retry can succeed, at least 1 (a client retrying at 0 would be refused again). */
    public static String retryAfter(RateLimitOutcome outcome) {
        return Long.toString(Math.max(1, ceilSeconds(outcome.retryAfter())));
    }

    static long ceilSeconds(Duration d) {
        long seconds = d.toSeconds();
        return d.minusSeconds(seconds).isZero() ? seconds : seconds + 1;
    }
}
