package io.iptracking.detection.stream;

import io.iptracking.detection.DetectionProperties;
import io.iptracking.streams.DeadLetters;
import io.iptracking.streams.StreamsSetup;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/** The Kafka Streams configuration of detection: the shared one ({@link StreamsSetup}) and detection's own. */
public final class StreamsSettings {

    private StreamsSettings() {
    }

    public static Properties of(DetectionProperties p, KafkaProperties kafka, DeadLetters deadLetters) {
        DetectionProperties.Kafka k = p.kafka();
        Properties s = StreamsSetup.properties(kafka, new StreamsSetup.Settings(k.applicationId(), k.streamThreads(),
                k.replicationFactor(), k.commitInterval(), k.stateDir()), deadLetters);
        if (k.applicationServer() != null) {
            s.put(StreamsConfig.APPLICATION_SERVER_CONFIG, k.applicationServer());
        }
        // Commits make flags visible to read_committed consumers; 100 ms keeps p99 latency well under a
        // second at the cost of more, smaller transactions.
        s.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, k.cacheMaxBytes().toBytes());
        s.putAll(k.streams());
        return s;
    }
}
