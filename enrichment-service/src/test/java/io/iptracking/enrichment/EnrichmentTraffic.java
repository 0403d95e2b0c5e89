package io.iptracking.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.event.Decision;
import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.TestKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/** Request events in, enriched events and dead letters out, on a test broker, for the integration tests. */
final class EnrichmentTraffic {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final TestKafka kafka;
    private KafkaProducer<ClientIp, RequestEvent> producer;

    EnrichmentTraffic(TestKafka kafka) {
        this.kafka = kafka;
    }

    /** Publishes a request from {@code ip}, as the edge does; {@link #flush()} waits until Kafka has it. */
    RequestEvent send(String ip) {
        if (producer == null) {
            producer = kafka.producer(Topics.REQUESTS.keySerde().serializer(), Topics.REQUESTS.valueSerde().serializer());
        }
        RequestEvent event = new RequestEvent(UUID.randomUUID(), Instant.now(), ClientIp.parse(ip), "GET", "shop.example",
                "/", 200, 1L, "enrichment-it", null, Decision.ALLOWED, null, Mode.PROXY);
        producer.send(new ProducerRecord<>(Topics.REQUESTS.name(), ClientNetwork.keyOf(event.ip()), event));
        return event;
    }

    void flush() {
        producer.flush();
    }

    void close() {
        if (producer != null) {
            producer.close();
        }
    }

    /**
     * Reads the enriched topic from the start, committed records only, until {@code count} wanted ones
     * arrived; by event id. Fails if an event comes out twice.
     */
    Map<UUID, ConsumerRecord<ClientIp, EnrichedRequestEvent>> enriched(int count,
            Predicate<ConsumerRecord<ClientIp, EnrichedRequestEvent>> wanted) {
        Map<UUID, ConsumerRecord<ClientIp, EnrichedRequestEvent>> found = new HashMap<>();
        List<UUID> duplicates = new ArrayList<>();
        try (KafkaConsumer<ClientIp, EnrichedRequestEvent> consumer = committedReader(
                Topics.ENRICHED_REQUESTS.keySerde().deserializer(), Topics.ENRICHED_REQUESTS.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.ENRICHED_REQUESTS.name()));
            await().atMost(TIMEOUT).until(() -> {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (wanted.test(r) && found.put(r.value().request().eventId(), r) != null) {
                        duplicates.add(r.value().request().eventId());
                    }
                }
                return found.size() >= count;
            });
        }
        assertThat(duplicates).as("events enriched twice").isEmpty();
        return found;
    }

    /** The enriched record of one event. */
    EnrichedRequestEvent enriched(RequestEvent event) {
        return enriched(1, r -> r.value().request().eventId().equals(event.eventId())).get(event.eventId()).value();
    }

    /** The first record of {@code topic}, committed ones only, that is wanted. */
    <K, V> ConsumerRecord<K, V> first(String topic, Deserializer<K> keys, Deserializer<V> values,
            Predicate<ConsumerRecord<K, V>> wanted) {
        List<ConsumerRecord<K, V>> found = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = committedReader(keys, values)) {
            consumer.subscribe(List.of(topic));
            await().atMost(TIMEOUT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (wanted.test(r)) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
        }
        return found.getFirst();
    }

    /** A consumer that sees only committed transactions, as detection and admin do. */
    private <K, V> KafkaConsumer<K, V> committedReader(Deserializer<K> keys, Deserializer<V> values) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "enrichment-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), keys, values);
    }
}
