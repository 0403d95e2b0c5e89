package io.iptracking.detection.anomaly;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link PopulationSample} in the population store: a format byte, the event time and the features as
 * IEEE doubles. A sample of another length than this version's features is refused when read.
 */
public final class PopulationSampleSerde implements Serde<PopulationSample>, Serializer<PopulationSample>,
        Deserializer<PopulationSample> {

    public static final byte FORMAT = 1;

    @Override
    public byte[] serialize(String topic, PopulationSample s) {
        if (s == null) {
            return null;
        }
        double[] f = s.features();
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 1 + 8 * f.length);
        b.put(FORMAT).putLong(s.at()).put((byte) f.length);
        for (double v : f) {
            b.putDouble(v);
        }
        return b.array();
    }

    @Override
    public PopulationSample deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int features = Feature.values().length;
        if (data.length != 1 + 8 + 1 + 8 * features || data[0] != FORMAT || data[9] != features) {
            throw new SerializationException("not a population sample of format " + FORMAT + " with " + features
                    + " features (" + data.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(data, 1, data.length - 1);
        long at = b.getLong();
        b.get();
        double[] f = new double[features];
        for (int i = 0; i < features; i++) {
            f[i] = b.getDouble();
        }
        return new PopulationSample(f, at);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Nothing to configure.
    }

    @Override
    public void close() {
        // Stateless.
    }

    @Override
    public Serializer<PopulationSample> serializer() {
        return this;
    }

    @Override
    public Deserializer<PopulationSample> deserializer() {
        return this;
    }
}
