package io.iptracking.enrichment.stream;


import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import io.iptracking.common.kafka.Topics;
import io.iptracking.enrichment.geo.GeoLookup;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads one request record, adds the geo data of its IP, and forwards it to the enriched topic, as bytes
 * written by {@link EnrichedEventWriter} around the request's own. A record that is not a valid
 * {@code Topic<ClientIp, RequestEvent>} record makes it throw {@code SerializationException}: Kafka
 * Streams' processing exception handler then sends it to the dead-letter topic unchanged.
 */
final class RequestEnricher implements Processor<byte[], byte[], Object, Object> {

    private static final Deserializer<ClientIp> KEYS = Topics.REQUESTS.keySerde().deserializer();
    private static final Deserializer<RequestEvent> VALUES = Topics.REQUESTS.valueSerde().deserializer();
    private static final Serializer<ClientIp> IPS = Topics.ENRICHED_REQUESTS.keySerde().serializer();

    /** The largest request event read, in bytes: every field is bounded, so real ones are a few KiB at most. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    /** The most header bytes passed on to the enriched record. */
    static final int MAX_HEADER_BYTES = 8 * 1024;

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
        Request request = read(record);
        RequestEvent event = request.event();
        byte[] value = writer.write(record.value(), request.canonical(), event, geo.lookup(event.ip()));
        // One new record, not withKey(...).withValue(...): each copies the headers. The edge writes none;
        // whatever a producer added (trace context, say) goes on while it is small.
        context.forward(new Record<Object, Object>(request.key(), value, record.timestamp(),
                headerBytes(record.headers()) <= MAX_HEADER_BYTES ? record.headers() : new RecordHeaders()),
                EnrichmentTopology.ENRICHED_SINK);
        counters.enriched();
    }

    /**
     * A request record as read.
     *
     * @param canonical whether the value is in the form the edge writes ({@link CanonicalRequestJson})
     * @param key the enriched record's key: the client network of the event's own IP
     *     ({@link ClientNetwork#keyOf}), as the edge writes it, since the key only partitions and the
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
        if (record.value().length > MAX_REQUEST_BYTES) {
            // The contract bounds every field, so no event the edge writes comes near this; a larger
            // value is padding, and its enriched record could outgrow what the topic takes.
            throw new SerializationException("record from topic " + topic + " has a value of " + record.value().length
                    + " bytes; a request event is at most " + MAX_REQUEST_BYTES);
        }
        // Jackson reads what the canonical reader declines, and says what is wrong with it.
        RequestEvent event = CanonicalRequestJson.read(record.value());
        boolean canonical = event != null;
        if (!canonical) {
            event = VALUES.deserialize(topic, record.value());
        }
        ClientIp key = ClientNetwork.keyOf(event.ip());
        // The edge writes that key in canonical text: comparing bytes spares parsing the same address twice.
        if (isText(record.key(), key.toString())) {
            return new Request(event, canonical, record.key());
        }
        KEYS.deserialize(topic, record.key());
        return new Request(event, canonical, IPS.serialize(Topics.ENRICHED_REQUESTS.name(), key));
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


    private static int headerBytes(Headers headers) {
        int bytes = 0;
        for (Header h : headers) {
            bytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return bytes;
    }
}
