package io.iptracking.common.kafka;

import io.iptracking.common.json.Json;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;

/**
 * Serializer, deserializer and serde in one, for a JSON topic value of type {@code T}, over the shared
 * {@link Json#mapper()}.
 *
 * <p>A null value (a tombstone) passes through as null both ways. Anything else that cannot be read
 * (bad JSON, a missing required field, the JSON literal {@code null}) throws Kafka's
 * {@link SerializationException} naming the type and topic, never null, so a poison record is handled
 * by the consumer's error handler (dead-letter topic) instead of flowing on as a null value. The
 * message never quotes the payload: it holds client IPs.
 *
 * <p>Stateless and thread-safe: one instance serves every producer, consumer and topology, and
 * {@link #configure} and {@link #close} do nothing.
 */
public final class JsonSerde<T> extends StatelessSerde<T> {

    private final Class<T> type;
    private final ObjectReader reader;
    private final ObjectWriter writer;
    private final Function<byte[], T> canonicalReader;

    public JsonSerde(Class<T> type) {
        this(type, json -> null);
    }

    /**
     * @param canonicalReader a faster reader for the form this code writes, which returns null for
     *     anything else (see {@link CanonicalEventReader}); data binding reads what it does not
     */
    JsonSerde(Class<T> type, Function<byte[], T> canonicalReader) {
        if (type == null) {
            throw new NullPointerException("JsonSerde type must not be null");
        }
        this.type = type;
        this.canonicalReader = canonicalReader;
        this.reader = Json.mapper().readerFor(type);
        this.writer = Json.mapper().writerFor(type);
    }

    /** The value type this serde reads and writes. */
    public Class<T> type() {
        return type;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            return writer.writeValueAsBytes(data);
        } catch (JacksonException e) {
            throw new SerializationException("cannot serialize " + type.getSimpleName() + " for topic " + topic
                    + ": " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        T value = canonicalReader.apply(data);
        if (value != null) {
            return value;
        }
        try {
            value = reader.readValue(data);
        } catch (JacksonException e) {
            throw new SerializationException("cannot deserialize " + type.getSimpleName() + " from topic " + topic
                    + " (" + data.length + " bytes): " + e.getOriginalMessage(), e);
        }
        if (value == null) {
            throw new SerializationException("cannot deserialize " + type.getSimpleName() + " from topic " + topic
                    + ": the value is the JSON literal null; a tombstone is a record with no value at all");
        }
        return value;
    }

    @Override
    public String toString() {
        return "JsonSerde[" + type.getSimpleName() + "]";
    }
}
