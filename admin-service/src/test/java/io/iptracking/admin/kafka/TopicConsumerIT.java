package io.iptracking.admin.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.ContractSamples;
import io.iptracking.common.testing.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** At-least-once delivery to a store that fails, on a real broker. */
class TopicConsumerIT {

    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    @Test
    void aBatchTheStoreRefusedIsDeliveredAgainAndAnUnreadableRecordIsSkipped() throws Exception {
        KAFKA.createTopic(Topics.FLAGGED.name(), 1);
        FlaggedIp flag = ContractSamples.flaggedIp();
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer(new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.FLAGGED.name(), "203.0.113.7".getBytes(StandardCharsets.UTF_8),
                    "{not json".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.FLAGGED.name(), "203.0.113.7".getBytes(StandardCharsets.UTF_8),
                    Topics.FLAGGED.valueSerde().serializer().serialize(Topics.FLAGGED.name(), flag))).get();
        }
        List<List<FlaggedIp>> deliveries = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TopicConsumer<ClientIp, FlaggedIp> consumer = new TopicConsumer<>("it", Topics.FLAGGED, KAFKA.bootstrapServers(),
                "it-group", 100, batch -> {
                    deliveries.add(List.copyOf(batch));
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("database away");
                    }
                }, registry)) {
            consumer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> registry.counter("ipt.admin.consumer.stored", "consumer", "it").count() == 1);
        }
        assertThat(deliveries).hasSize(2).allSatisfy(batch -> assertThat(batch).containsExactly(flag));
        assertThat(registry.counter("ipt.admin.consumer.failures", "consumer", "it").count()).isEqualTo(1);
        assertThat(registry.counter("ipt.admin.consumer.unreadable", "consumer", "it").count()).isEqualTo(2);

        // Committed: a new consumer of the same group starts after both records.
        List<FlaggedIp> later = new CopyOnWriteArrayList<>();
        try (TopicConsumer<ClientIp, FlaggedIp> again = new TopicConsumer<>("it2", Topics.FLAGGED, KAFKA.bootstrapServers(),
                "it-group", 100, later::addAll, new SimpleMeterRegistry());
                KafkaProducer<ClientIp, FlaggedIp> producer = KAFKA.producer(Topics.FLAGGED.keySerde().serializer(),
                        Topics.FLAGGED.valueSerde().serializer())) {
            again.start();
            FlaggedIp next = new FlaggedIp(java.util.UUID.randomUUID(), flag.ip(), flag.rule(), flag.reason(), flag.severity(),
                    flag.score(), flag.windowStart(), flag.windowEnd(), flag.requestCount(), flag.evidence(), flag.geo(), flag.detectedAt());
            producer.send(new ProducerRecord<>(Topics.FLAGGED.name(), next.ip(), next)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> !later.isEmpty());
            assertThat(later).containsExactly(next);
        }
    }
}
