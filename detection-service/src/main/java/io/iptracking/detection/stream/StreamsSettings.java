package io.iptracking.detection.stream;

import io.iptracking.common.kafka.Topics;
import io.iptracking.detection.DetectionProperties;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/** The Kafka Streams configuration of detection, from its properties. */
public final class StreamsSettings {

    private StreamsSettings() {
    }

    public static Properties of(DetectionProperties p) {
        DetectionProperties.Kafka k = p.kafka();
        Properties s = new Properties();
        s.put(StreamsConfig.APPLICATION_ID_CONFIG, k.applicationId());
        s.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers());
        s.put(StreamsConfig.STATE_DIR_CONFIG, k.stateDir());
        s.put(StreamsConfig.APPLICATION_SERVER_CONFIG, k.applicationServer());
        s.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, k.streamThreads());
        s.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, k.replicationFactor());
        // Flags, store updates and input offsets commit in one transaction: a crash replays
        // uncommitted input against the committed store, so no flag is lost or repeated.
        s.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Commits make flags visible to read_committed consumers; 100 ms keeps p99 latency well
        // under a second at the cost of more, smaller transactions.
        s.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, k.commitInterval().toMillis());
        s.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, k.cacheMaxBytes().toBytes());
        // A record that cannot be read goes to the dead-letter topic, with the error in headers,
        // instead of stopping detection for its partition.
        s.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        s.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.REQUESTS_DLQ.name());
        s.putAll(k.streams());
        return s;
    }
}
