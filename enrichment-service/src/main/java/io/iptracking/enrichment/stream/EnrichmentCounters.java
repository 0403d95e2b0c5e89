package io.iptracking.enrichment.stream;

import java.util.concurrent.atomic.LongAdder;

/** What the topology did, across all its stream threads, for metrics. */
public final class EnrichmentCounters {

    private final LongAdder enriched = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();

    void enriched() {
        enriched.increment();
    }

    void deadLettered() {
        deadLettered.increment();
    }

    /** Records written to the enriched topic. */
    public long enrichedCount() {
        return enriched.sum();
    }

    /** Records sent to the dead-letter topic because they could not be read. */
    public long deadLetteredCount() {
        return deadLettered.sum();
    }
}
