package io.iptracking.common.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A key written as its canonical text in UTF-8. Text rather than bytes keeps keys readable in every
 * Kafka tool, and canonical text makes equal values equal keys, which partitioning and compaction
 * rely on. Stateless and thread-safe.
 */
abstract class TextKeySerde<T> extends StatelessSerde<T> {

    private final String typeName;
    private final Function<String, T> parser;

    TextKeySerde(String typeName, Function<String, T> parser) {
        this.typeName = typeName;
        this.parser = parser;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : data.toString().getBytes(UTF_8);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return parser.apply(new String(data, UTF_8));
        } catch (IllegalArgumentException e) {
            // The parsers' messages quote the text (shortened, control characters escaped) and the reason.
            throw new SerializationException("cannot deserialize " + typeName + " from topic " + topic + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName();
    }
}
