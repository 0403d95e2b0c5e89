package io.iptracking.common.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * An embedded single-node KRaft Kafka broker (spring-kafka-test) for integration tests, with small
 * producer and consumer helpers. Topics are created explicitly ({@link #createTopic}); a topic a
 * client uses before that is auto-created with one partition.
 *
 * <p>One broker per test class, as a JUnit extension on a static field:
 * <pre>{@code
 * @RegisterExtension
 * static final TestKafka KAFKA = new TestKafka();
 *
 * @DynamicPropertySource  // in a Spring Boot test
 * static void kafka(DynamicPropertyRegistry registry) {
 *     registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
 * }
 * }</pre>
 * or by hand: {@code try (TestKafka kafka = TestKafka.start()) { ... }}.
 */
public final class TestKafka implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TestKafka.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final String BROKER_LIST_PROPERTY = "ipt.test.kafka.bootstrap-servers";

    private final Map<String, String> brokerProperties = new HashMap<>();
    private EmbeddedKafkaKraftBroker broker;

    /** A broker that starts before the test class's first test and stops after its last. */
    public TestKafka() {
    }

    /** Starts a broker now; {@link #close()} stops it. */
    public static TestKafka start() {
        TestKafka kafka = new TestKafka();
        kafka.startBroker();
        return kafka;
    }

    /** Sets a broker property ({@code num.partitions}, {@code log.retention.ms}…) before the start. */
    /**
     * A broker for exactly-once Streams applications and transactional producers: the transaction log
     * on the one broker there is (it defaults to three replicas), and groups that rebalance at once.
     */
    public static TestKafka exactlyOnce() {
        return new TestKafka()
                .withBrokerProperty("transaction.state.log.replication.factor", "1")
                .withBrokerProperty("transaction.state.log.min.isr", "1")
                .withBrokerProperty("group.initial.rebalance.delay.ms", "0");
    }

    public TestKafka withBrokerProperty(String name, String value) {
        if (broker != null) {
            throw new IllegalStateException("the broker is already running; set broker properties before it starts");
        }
        brokerProperties.put(name, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        startBroker();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Stops the broker and deletes its data. */
    @Override
    public synchronized void close() {
        if (broker != null) {
            String address = broker.getBrokersAsString();
            broker.destroy();
            broker = null;
            for (String property : new String[] {BROKER_LIST_PROPERTY, EmbeddedKafkaBroker.SPRING_EMBEDDED_KAFKA_BROKERS}) {
                if (address.equals(System.getProperty(property))) {
                    System.clearProperty(property);
                }
            }
        }
    }

    /** {@code host:port} of the running broker, for {@code bootstrap.servers}. */
    public synchronized String bootstrapServers() {
        if (broker == null) {
            throw new IllegalStateException("the embedded Kafka broker is not running"
                    + " (register TestKafka with @RegisterExtension on a static field, or use TestKafka.start())");
        }
        return broker.getBrokersAsString();
    }

    /** Creates a topic with replication factor 1 and waits until the broker has it. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Topic " + name + " not created within " + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    /** Creates a topic with the broker's default settings. */
    public void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** An idempotent producer ({@code acks=all}) to this broker; the caller closes it. */
    public <K, V> KafkaProducer<K, V> producer(Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new KafkaProducer<>(config, keySerializer, valueSerializer);
    }

    /**
     * A read_uncommitted consumer (Kafka's default) in a consumer group of its own that reads from
     * the earliest offset and commits nothing; the caller subscribes and closes it. For topics that
     * transactions write, use {@link #consumer(IsolationLevel, Deserializer, Deserializer)}.
     */
    public <K, V> KafkaConsumer<K, V> consumer(Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        return consumer(IsolationLevel.READ_UNCOMMITTED, keyDeserializer, valueDeserializer);
    }

    /**
     * A consumer as {@link #consumer(Deserializer, Deserializer)}, with the given isolation level.
     * Topics written in transactions (Kafka Streams with exactly-once) are read with
     * {@link IsolationLevel#READ_COMMITTED}, as their consumers read them: read_uncommitted also
     * returns the records of aborted transactions, which exactly-once processing writes again.
     */
    public <K, V> KafkaConsumer<K, V> consumer(IsolationLevel isolation, Deserializer<K> keyDeserializer,
            Deserializer<V> valueDeserializer) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "ipt-test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.name().toLowerCase(Locale.ROOT));
        return new KafkaConsumer<>(config, keyDeserializer, valueDeserializer);
    }

    /**
     * Every record of a topic as a new reader with the given isolation level sees it now: each
     * partition from its beginning to its end offset, which for read_committed is the last stable
     * offset (the records of a transaction still open are not read, nor anything after them). Fails
     * with the records read so far if the end is not reached within the timeout.
     */
    public <K, V> List<ConsumerRecord<K, V>> readAll(String topic, IsolationLevel isolation, Duration timeout,
            Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        try (KafkaConsumer<K, V> consumer = consumer(isolation, keyDeserializer, valueDeserializer)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            // Assigned rather than subscribed: no group join, and every partition from its start.
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<ConsumerRecord<K, V>> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!end.entrySet().stream().allMatch(e -> consumer.position(e.getKey(), timeout) >= e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Could not read " + topic + " to its end " + end + " (" + isolation + ") within "
                            + timeout + "; read " + records.size() + ": " + records);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /**
     * Reads a topic from the beginning until at least {@code count} records have arrived, and returns
     * all it read (possibly more than {@code count}), with a read_uncommitted consumer. Fails with the
     * records seen so far when fewer arrive within the timeout.
     */
    public <K, V> List<ConsumerRecord<K, V>> consume(String topic, int count, Duration timeout,
            Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        try (KafkaConsumer<K, V> consumer = consumer(keyDeserializer, valueDeserializer)) {
            consumer.subscribe(List.of(topic));
            return poll(consumer, count, timeout);
        }
    }

    /**
     * Polls an already subscribed or assigned consumer until at least {@code count} records have
     * arrived, and returns all it polled. Fails with the records seen so far when fewer arrive in time.
     */
    public static <K, V> List<ConsumerRecord<K, V>> poll(Consumer<K, V> consumer, int count, Duration timeout) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("Expected at least " + count + " records from "
                        + (consumer.subscription().isEmpty() ? consumer.assignment() : consumer.subscription())
                        + " within " + timeout + ", got " + records.size() + ": " + records);
            }
            // poll() returns as soon as records arrive; the bound only keeps the deadline honest.
            consumer.poll(Duration.ofNanos(Math.min(left, Duration.ofMillis(200).toNanos()))).forEach(records::add);
        }
        return records;
    }

    private synchronized void startBroker() {
        if (broker != null) {
            return;
        }
        long start = System.nanoTime();
        EmbeddedKafkaKraftBroker created = new EmbeddedKafkaKraftBroker(1, 1);
        // spring-kafka-test publishes the address as a JVM-wide system property, by default
        // spring.kafka.bootstrap-servers: it would outlive this broker and point later Spring tests
        // at a stopped one. Tests pass bootstrapServers() explicitly instead.
        created.brokerListProperty(BROKER_LIST_PROPERTY);
        created.brokerProperties(brokerProperties);
        created.afterPropertiesSet();
        broker = created;
        LOG.info("Embedded Kafka broker at {} (started in {} ms)", broker.getBrokersAsString(),
                (System.nanoTime() - start) / 1_000_000);
    }
}
