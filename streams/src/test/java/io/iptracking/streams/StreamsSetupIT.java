package io.iptracking.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.DeadLetterHeaders;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.ContractSamples;
import io.iptracking.common.testing.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/**
 * The shared setup on a real broker, exactly once: a record that cannot be read and a record the
 * processor throws on reach the dead-letter topic in committed transactions, the records after them are
 * processed, and readiness follows the application from start to close.
 */
class StreamsSetupIT {

    @RegisterExtension
    static final TestKafka KAFKA = TestKafka.exactlyOnce();

    @Test
    void deadLettersAreCommittedWithTheOutputAndTheApplicationGoesOn() throws Exception {
        KAFKA.createTopic(Topics.REQUESTS.name(), 1);
        KAFKA.createTopic(Topics.REQUESTS_DLQ.name(), 1);
        KAFKA.createTopic("paths", 1);
        byte[] key = "203.0.113.7".getBytes(StandardCharsets.UTF_8);
        // A request whose path holds CR LF: it breaks the contract, so it cannot be read.
        byte[] unreadable = new String(request("/p"), StandardCharsets.UTF_8).replace("\"/p\"", "\"/a\\r\\nX: 1\"")
                .getBytes(StandardCharsets.UTF_8);
        byte[] boom = request("/boom");
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer(new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] value : List.of(request("/first"), unreadable, boom, request("/last"))) {
                producer.send(new ProducerRecord<>(Topics.REQUESTS.name(), key, value)).get();
            }
        }

        DeadLetters deadLetters = new DeadLetters();
        KafkaProperties kafka = new KafkaProperties();
        kafka.setBootstrapServers(List.of(KAFKA.bootstrapServers()));
        Properties properties = StreamsSetup.properties(kafka, new StreamsSetup.Settings("streams-setup-it-" + UUID.randomUUID(), 1, 1,
                Duration.ofMillis(100), Files.createTempDirectory("streams-setup-it").toString()), deadLetters);
        StreamsBuilderFactoryBean application = StreamsSetup.application("it", properties, topology -> {
            topology.addSource("requests", Topics.REQUESTS.keySerde().deserializer(), Topics.REQUESTS.valueSerde().deserializer(),
                    Topics.REQUESTS.name());
            topology.addProcessor("paths", Paths::new, "requests");
            topology.addSink("out", "paths", new StringSerializer(), new StringSerializer(), "paths");
        }, new SimpleMeterRegistry());
        // What the application context does for a bean: create the builder, then build the topology.
        application.afterPropertiesSet();
        application.afterSingletonsInstantiated();
        assertThat(StreamsSetup.readiness(application).health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        application.start();
        try {
            List<ConsumerRecord<String, String>> paths = KAFKA.consume("paths", 2, Duration.ofSeconds(60), new StringDeserializer(),
                    new StringDeserializer());
            assertThat(paths).extracting(ConsumerRecord::value).containsExactly("/first", "/last");
            await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters.total() == 2);
            List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.readAll(Topics.REQUESTS_DLQ.name(), IsolationLevel.READ_COMMITTED,
                    Duration.ofSeconds(30), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            assertThat(dead).extracting(ConsumerRecord::value).containsExactly(unreadable, boom);
            assertThat(dead).allSatisfy(d -> assertThat(d.key()).isEqualTo(key));
            assertThat(header(dead.get(0), DeadLetterHeaders.MESSAGE)).contains("RequestEvent.path must not contain control characters");
            assertThat(header(dead.get(0), DeadLetterHeaders.OFFSET)).isEqualTo("1");
            assertThat(header(dead.get(1), DeadLetterHeaders.MESSAGE)).isEqualTo("the processor cannot take /boom");
            assertThat(header(dead.get(1), DeadLetterHeaders.OFFSET)).isEqualTo("2");
            assertThat(StreamsSetup.readiness(application).health().getStatus()).isEqualTo(Status.UP);
        } finally {
            application.stop();
        }
        assertThat(application.getKafkaStreams() == null
                || application.getKafkaStreams().state() == KafkaStreams.State.NOT_RUNNING).isTrue();
    }

    /** Forwards each request's path, and throws on {@code /boom}. */
    static final class Paths implements Processor<ClientIp, RequestEvent, String, String> {
        private ProcessorContext<String, String> context;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
        }

        @Override
        public void process(Record<ClientIp, RequestEvent> record) {
            if (record.value().path().equals("/boom")) {
                throw new IllegalStateException("the processor cannot take /boom");
            }
            context.forward(new Record<>(record.key().toString(), record.value().path(), record.timestamp()));
        }
    }

    private static byte[] request(String path) {
        RequestEvent r = ContractSamples.requestEvent();
        return Topics.REQUESTS.valueSerde().serializer().serialize(Topics.REQUESTS.name(), new RequestEvent(UUID.randomUUID(),
                r.timestamp(), ClientIp.parse("203.0.113.7"), r.method(), r.host(), path, r.status(), r.latencyMs(), r.userAgent(),
                r.subject(), r.decision(), r.rule(), r.mode()));
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
