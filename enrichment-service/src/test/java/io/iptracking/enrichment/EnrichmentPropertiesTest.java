package io.iptracking.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import io.iptracking.streams.DeadLetters;
import java.util.List;
import java.util.Properties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Defaults, rejected values, and the Kafka Streams settings derived from them. */
class EnrichmentPropertiesTest {

    static EnrichmentProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("enrichment", EnrichmentProperties.class);
    }

    @Test
    void defaults() {
        EnrichmentProperties p = bind(Map.of());
        assertThat(p.geoip().cityDatabase()).isEqualTo(Path.of("/usr/share/GeoIP/GeoLite2-City.mmdb"));
        assertThat(p.geoip().asnDatabase()).isNull();
        assertThat(p.geoip().required()).isTrue();
        assertThat(p.geoip().reloadInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(p.geoip().cacheSize()).isEqualTo(100_000);
        assertThat(p.geoip().cacheExpiry()).isEqualTo(Duration.ofHours(24));
        assertThat(p.geoip().nodeCacheSize()).isEqualTo(4096);
        assertThat(p.kafka().applicationId()).isEqualTo("enrichment-service");
        assertThat(p.kafka().streamThreads()).isEqualTo(2);
        assertThat(p.kafka().commitInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(p.kafka().stateDir()).isNull();
    }

    @Test
    void anEmptyAsnDatabaseMeansNone() {
        assertThat(bind(Map.of("enrichment.geoip.asn-database", "")).geoip().asnDatabase()).isNull();
        assertThat(bind(Map.of("enrichment.geoip.asn-database", "/data/GeoLite2-ASN.mmdb")).geoip().asnDatabase())
                .isEqualTo(Path.of("/data/GeoLite2-ASN.mmdb"));
    }

    @Test
    void aZeroCacheExpiryIsRefused() {
        assertThatThrownBy(() -> bind(Map.of("enrichment.geoip.cache-expiry", "0s")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessage("enrichment.geoip.cache-expiry must be positive, was PT0S");
    }

    @Test
    void aReloadIntervalBelowTenMillisecondsIsRefused() {
        assertThatThrownBy(() -> bind(Map.of("enrichment.geoip.reload-interval", "1ms")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessage("enrichment.geoip.reload-interval must be at least 10ms, was PT0.001S");
    }

    @Test
    void streamsRunExactlyOnceWithTheConfiguredIdentityAndPace() {
        KafkaProperties kafka = new KafkaProperties();
        kafka.setBootstrapServers(List.of("kafka-1:9092", "kafka-2:9092"));
        Properties config = EnrichmentConfiguration.streamsConfig(bind(Map.of(
                "enrichment.kafka.replication-factor", "3",
                "enrichment.kafka.stream-threads", "3",
                "enrichment.kafka.state-dir", "/var/lib/enrichment")).kafka(), kafka, new DeadLetters());
        assertThat(config)
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "enrichment-service")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, List.of("kafka-1:9092", "kafka-2:9092"))
                .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "ip.requests.dlq.v1")
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.Processing.class)
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3)
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 3)
                .containsEntry(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100L)
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/enrichment")
                .containsEntry("producer.compression.type", "lz4")
                .containsEntry("consumer.auto.offset.reset", "earliest");
    }
}
