package io.iptracking.enrichment.stream;

import io.iptracking.streams.DeadLetters;
import java.util.concurrent.atomic.LongAdder;

/** What the topology did, across all its stream threads, for metrics. */
public final class EnrichmentCounters {

    private final LongAdder enriched = new LongAdder();
    private final DeadLetters deadLetters;

    /** @param deadLetters the application's dead letters: the records that could not be read */
    public EnrichmentCounters(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    void enriched() {
        enriched.increment();
    }

    /** Records written to the enriched topic. */
    public long enrichedCount() {
        return enriched.sum();
    }

    /** Records sent to the dead-letter topic because they could not be read or processed. */
    public long deadLetteredCount() {
        return deadLetters.total();
    }
}
