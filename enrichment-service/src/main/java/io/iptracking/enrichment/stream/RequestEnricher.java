package io.iptracking.enrichment.stream;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.json.CanonicalRequestJson;
import io.iptracking.common.kafka.DeadLetterHeaders;
import io.iptracking.common.kafka.Topics;
import io.iptracking.enrichment.geo.GeoLookup;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads one request record, adds the geo data of its IP, and forwards it to the enriched topic, as bytes
 * written by {@link EnrichedEventWriter} around the request's own; a record
 * that is not a valid {@code Topic<ClientIp, RequestEvent>} record goes to the dead-letter topic
 * unchanged, with the error in {@link DeadLetterHeaders}.
 */
final class RequestEnricher implements Processor<byte[], byte[], Object, Object> {

    private static final Deserializer<ClientIp> KEYS = Topics.REQUESTS.keySerde().deserializer();
    private static final Deserializer<RequestEvent> VALUES = Topics.REQUESTS.valueSerde().deserializer();
    private static final Serializer<ClientIp> IPS = Topics.ENRICHED_REQUESTS.keySerde().serializer();

    private final GeoLookup geo;
    private final EnrichmentCounters counters;
    private final EnrichedEventWriter writer;
    private ProcessorContext<Object, Object> context;

    RequestEnricher(GeoLookup geo, EnrichedEventWriter writer, EnrichmentCounters counters) {
        this.geo = geo;
        this.writer = writer;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Request request;
        try {
            request = read(record);
        } catch (RuntimeException e) {
            // SerializationException in practice; anything else a record makes a reader throw is just as
            // much that record's fault, and must not stop the stream thread or replay the record forever.
            deadLetter(record, e);
            return;
        }
        RequestEvent event = request.event();
        byte[] value = writer.write(record.value(), request.canonical(), event, geo.lookup(event.ip()));
        // One new record, not withKey(...).withValue(...): each copies the headers.
        context.forward(new Record<Object, Object>(request.key(), value, record.timestamp(), record.headers()),
                EnrichmentTopology.ENRICHED_SINK);
        counters.enriched();
    }

    /**
     * A request record as read.
     *
     * @param canonical whether the value is in the form the edge writes ({@link CanonicalRequestJson})
     * @param key the enriched record's key: the event's own IP, since the key only partitions and the
     *     event is what was checked
     */
    private record Request(RequestEvent event, boolean canonical, byte[] key) {
    }

    private static Request read(Record<byte[], byte[]> record) {
        String topic = Topics.REQUESTS.name();
        if (record.key() == null) {
            throw new SerializationException("record from topic " + topic + " has no key; request events are keyed by client IP");
        }
        if (record.value() == null) {
            throw new SerializationException("record from topic " + topic + " has no value; request topics carry no tombstones");
        }
        // Jackson reads what the canonical reader declines, and says what is wrong with it.
        RequestEvent event = CanonicalRequestJson.read(record.value());
        boolean canonical = event != null;
        if (!canonical) {
            event = VALUES.deserialize(topic, record.value());
        }
        // The edge writes the event's canonical IP as key: comparing bytes spares parsing the same IP twice.
        if (isText(record.key(), event.ip().toString())) {
            return new Request(event, canonical, record.key());
        }
        KEYS.deserialize(topic, record.key());
        return new Request(event, canonical, IPS.serialize(Topics.ENRICHED_REQUESTS.name(), event.ip()));
    }

    /** Whether the key bytes are this IP's text: IP text is ASCII, one byte per character. */
    private static boolean isText(byte[] key, String ip) {
        if (key.length != ip.length()) {
            return false;
        }
        for (int i = 0; i < key.length; i++) {
            if (key[i] != ip.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void deadLetter(Record<byte[], byte[]> record, RuntimeException e) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        add(headers, DeadLetterHeaders.EXCEPTION, e.getClass().getName());
        add(headers, DeadLetterHeaders.MESSAGE, e.getMessage());
        add(headers, DeadLetterHeaders.STACKTRACE, stackTrace(e));
        RecordMetadata source = context.recordMetadata().orElse(null);
        if (source != null) {
            add(headers, DeadLetterHeaders.TOPIC, source.topic());
            add(headers, DeadLetterHeaders.PARTITION, Integer.toString(source.partition()));
            add(headers, DeadLetterHeaders.OFFSET, Long.toString(source.offset()));
        }
        context.forward(new Record<Object, Object>(record.key(), record.value(), record.timestamp(), headers),
                EnrichmentTopology.DEAD_LETTER_SINK);
        counters.deadLettered();
    }

    private static void add(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value == null ? null : value.getBytes(UTF_8));
    }

    private static String stackTrace(Throwable e) {
        StringWriter text = new StringWriter();
        e.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
