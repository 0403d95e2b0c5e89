package io.iptracking.e2e;

import io.iptracking.common.json.Json;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.JsonNode;

/**
 * What a consumer outside the system sees on a topic: a plain Kafka consumer with string keys and
 * JSON values, {@code read_committed} (as every consumer of a transactional topic should be), reading
 * every partition from the beginning on a thread of its own for as long as it is open.
 */
final class TopicReader implements AutoCloseable {

    /** One record as read, with the time it was read. */
    record Read(String key, JsonNode value, long readAtNanos) {
    }

    private final KafkaConsumer<String, String> consumer;
    private final List<Read> records = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean closed;

    /** @param client the client's settings: the broker and the credentials ({@link Stack#kafkaClient}) */
    TopicReader(Map<String, Object> client, String topic) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = Thread.ofPlatform().daemon().name("read-" + topic).start(this::run);
    }

    private void run() {
        try {
            while (!closed) {
                var batch = consumer.poll(Duration.ofMillis(200));
                long now = System.nanoTime();
                for (ConsumerRecord<String, String> r : batch) {
                    records.add(new Read(r.key(), r.value() == null ? null : Json.mapper().readTree(r.value()), now));
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Every record read so far that matches. */
    List<Read> matching(Predicate<Read> filter) {
        return records.stream().filter(filter).toList();
    }

    List<Read> withKey(String key) {
        return matching(r -> key.equals(r.key()));
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        consumer.wakeup();
        thread.join(Duration.ofSeconds(10));
    }
}
