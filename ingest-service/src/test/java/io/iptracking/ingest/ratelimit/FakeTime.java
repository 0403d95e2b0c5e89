package io.iptracking.ingest.ratelimit;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A wall-clock-like time source that tests move by hand. */
public final class FakeTime implements TimeMeter {

    private final AtomicLong nanos = new AtomicLong(1_700_000_000_000_000_000L);

    public void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public long currentTimeNanos() {
        return nanos.get();
    }

    @Override
    public boolean isWallClockBased() {
        return true;
    }
}
