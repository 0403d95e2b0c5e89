package io.iptracking.ingest.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * A token bucket: {@code capacity} requests per {@code period}, refilled smoothly (greedy refill),
 * and what to do when the shared store is down.
 */
public record Limit(long capacity, Duration period, FailMode whenStoreDown) {

    public Limit {
        if (capacity < 1) {
            throw new IllegalArgumentException("a limit must allow at least 1 request, was " + capacity);
        }
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a limit's period must be positive, was " + period);
        }
        Objects.requireNonNull(whenStoreDown, "whenStoreDown");
    }
}
