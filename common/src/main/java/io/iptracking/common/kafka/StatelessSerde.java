package io.iptracking.common.kafka;

import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serde that is its own serializer and deserializer and holds no state: one instance is shared by
 * every client, so Kafka's configure and close calls have nothing to do.
 */
abstract class StatelessSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    @Override
    public final Serializer<T> serializer() {
        return this;
    }

    @Override
    public final Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public final void configure(Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: shared and fixed.
    }

    @Override
    public final void close() {
        // Nothing to release; Kafka clients close the serdes they are given, and this one is shared.
    }
}
