package io.iptracking.detection.stream;

import io.iptracking.common.event.EnrichedRequestEvent;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time is when the edge received the request, carried in the event, rather than the Kafka
 * record's timestamp: a request buffered at the edge during a Kafka outage keeps its real time.
 *
 * <p>An event dated more than {@link #MAX_AHEAD} after this instance's clock is dropped (Kafka Streams
 * counts it in its dropped-records metric and logs it): stream time only moves forward, so a single
 * event from a broken edge clock or a forged record dated in year 9999 would otherwise make every later
 * event of its partition "late", and detection of that partition would stop for good.
 */
final class EdgeTimestamp implements TimestampExtractor {

    /** How far ahead of this instance's clock (the topology's {@link Clock}) an event may be dated: clock skew between machines. */
    static final Duration MAX_AHEAD = Duration.ofMinutes(5);

    private final Clock clock;

    EdgeTimestamp(Clock clock) {
        this.clock = clock;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long at = record.value() instanceof EnrichedRequestEvent e ? e.request().timestamp().toEpochMilli() : record.timestamp();
        // A negative timestamp tells Kafka Streams to skip the record.
        return at > clock.millis() + MAX_AHEAD.toMillis() ? -1 : at;
    }
}
