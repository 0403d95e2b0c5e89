package io.iptracking.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TestKafkaIT {

    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka().withBrokerProperty("num.partitions", "2")
            // Transactions need a transaction log, which defaults to 3 replicas.
            .withBrokerProperty("transaction.state.log.replication.factor", "1")
            .withBrokerProperty("transaction.state.log.min.isr", "1");

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void producedRecordsComeBackFromAllThreePartitions() throws Exception {
        KAFKA.createTopic("round.trip.v1", 3, Map.of("retention.ms", "3600000"));
        List<String> ips = IntStream.range(0, 30).mapToObj(i -> "192.0.2." + i).toList();

        try (KafkaProducer<String, String> producer = KAFKA.producer(new StringSerializer(), new StringSerializer())) {
            for (String ip : ips) {
                producer.send(new ProducerRecord<>("round.trip.v1", ip, "request from " + ip));
            }
            producer.flush();
        }
        List<ConsumerRecord<String, String>> records =
                KAFKA.consume("round.trip.v1", ips.size(), TIMEOUT, new StringDeserializer(), new StringDeserializer());

        assertThat(records).hasSize(ips.size());
        assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(ips);
        assertThat(records).allSatisfy(r -> assertThat(r.value()).isEqualTo("request from " + r.key()));
        assertThat(records.stream().map(ConsumerRecord::partition).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(0, 1, 2);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            TopicDescription topic = admin.describeTopics(Set.of("round.trip.v1")).allTopicNames().get().get("round.trip.v1");
            assertThat(topic.partitions()).hasSize(3);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "round.trip.v1");
            Config config = admin.describeConfigs(Set.of(resource)).all().get().get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo("3600000");
        }
    }

    @Test
    void pollFailsWithWhatItSawWhenTooFewRecordsArrive() {
        KAFKA.createTopic("too.few.v1", 1);
        try (KafkaProducer<String, String> producer = KAFKA.producer(new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("too.few.v1", "198.51.100.7", "only one"));
        }

        try (KafkaConsumer<String, String> consumer = KAFKA.consumer(new StringDeserializer(), new StringDeserializer())) {
            // Assigned rather than subscribed: no group join, so the one record arrives well within the timeout.
            consumer.assign(List.of(new TopicPartition("too.few.v1", 0)));
            assertThatThrownBy(() -> TestKafka.poll(consumer, 2, Duration.ofSeconds(3)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expected at least 2 records from [too.few.v1-0]")
                    .hasMessageContaining("got 1")
                    .hasMessageContaining("only one");
        }
    }

    @Test
    void readCommittedSkipsAbortedTransactionsAndStopsBeforeAnOpenOne() {
        KAFKA.createTopic("transactional.v1", 2);
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-kafka-it");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactional.v1", 0, "192.0.2.1", "committed"));
            producer.send(new ProducerRecord<>("transactional.v1", 1, "192.0.2.2", "committed"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactional.v1", 0, "192.0.2.1", "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("transactional.v1", 1, "192.0.2.2", "open"));
            producer.flush();

            assertThat(KAFKA.readAll("transactional.v1", IsolationLevel.READ_COMMITTED, TIMEOUT, new StringDeserializer(),
                    new StringDeserializer())).extracting(ConsumerRecord::value).containsExactly("committed", "committed");
            assertThat(KAFKA.readAll("transactional.v1", IsolationLevel.READ_UNCOMMITTED, TIMEOUT, new StringDeserializer(),
                    new StringDeserializer())).extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrder("committed", "committed", "aborted", "open");
            producer.abortTransaction();
        }
    }

    @Test
    void brokerPropertiesApplyToAutoCreatedTopics() throws Exception {
        try (KafkaProducer<String, String> producer = KAFKA.producer(new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("auto.created.v1", "203.0.113.9", "x")).get();
        }

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            TopicDescription topic = admin.describeTopics(Set.of("auto.created.v1")).allTopicNames().get().get("auto.created.v1");
            assertThat(topic.partitions()).hasSize(2);
        }
        assertThatThrownBy(() -> KAFKA.withBrokerProperty("num.partitions", "3"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already running");
    }

    @Test
    void aBrokerStartedByHandIsSeparateAndGoneAfterClose() {
        TestKafka other = TestKafka.start();
        try (other) {
            assertThat(other.bootstrapServers()).isNotEqualTo(KAFKA.bootstrapServers());
            other.createTopic("only.on.other.v1", 1);
            try (KafkaProducer<String, String> producer = other.producer(new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("only.on.other.v1", "198.51.100.1", "hello"));
            }
            assertThat(other.consume("only.on.other.v1", 1, TIMEOUT, new StringDeserializer(), new StringDeserializer()))
                    .extracting(ConsumerRecord::value).containsExactly("hello");
        }

        assertThatThrownBy(other::bootstrapServers)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not running");
        assertThat(System.getProperty("spring.kafka.bootstrap-servers")).as("left for Spring tests to set").isNull();
    }

    @Test
    void creatingAnExistingTopicFailsWithItsName() {
        KAFKA.createTopic("twice.v1", 1);

        assertThatThrownBy(() -> KAFKA.createTopic("twice.v1", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Could not create topic twice.v1");
    }
}
