package io.iptracking.ingest.ratelimit;

import java.util.concurrent.CompletableFuture;

/** Takes one token from the bucket of a key. Implementations never block the caller's thread. */
public interface RateLimiter {

    /**
     * @param key the bucket key (rule and client identity); a bucket exists per key and limit
     * @param limit the bucket's shape, used when the bucket is first created
     */
    CompletableFuture<RateLimitOutcome> tryConsume(String key, Limit limit);
}
