package io.iptracking.detection.stream;

import io.iptracking.common.event.EnrichedRequestEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time is when the edge received the request, carried in the event, rather than the Kafka
 * record's timestamp: a request buffered at the edge during a Kafka outage keeps its real time.
 */
final class EdgeTimestamp implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof EnrichedRequestEvent e) {
            return e.request().timestamp().toEpochMilli();
        }
        return record.timestamp();
    }
}
