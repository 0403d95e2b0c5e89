package io.iptracking.ingest.lists;

import io.iptracking.common.kafka.ListFeed;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** The edge's list feed in metrics: its lag, the records it skipped and the times reading failed. */
public record ListFeedMeters(ListFeed feed) implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("ipt.edge.lists.lag", feed, ListFeed::lag)
                .description("List records not yet read by this instance").register(registry);
        FunctionCounter.builder("ipt.edge.lists.unreadable", feed, ListFeed::unreadable)
                .description("List records skipped because they could not be read").register(registry);
        FunctionCounter.builder("ipt.edge.lists.feed.failures", feed, ListFeed::failures)
                .description("Times reading the list topic failed and started again a second later").register(registry);
    }
}
