package io.iptracking.admin.kafka;

import io.iptracking.common.kafka.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a topic to a store in batches, at least once: a batch's offsets are committed only after
 * the handler stored it, and a failed batch is read again after a pause (the stores drop duplicates
 * by the event's id). A record that cannot be read is skipped and counted, never retried.
 */
public final class TopicConsumer<K, V> implements AutoCloseable {

    /** Stores one batch; throws to have it delivered again. */
    @FunctionalInterface
    public interface BatchHandler<V> {
        void handle(List<V> values);
    }

    private static final Logger log = LoggerFactory.getLogger(TopicConsumer.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final Topic<K, V> topic;
    private final BatchHandler<V> handler;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Counter stored;
    private final Counter unreadable;
    private final Counter failures;
    private final Thread thread;
    private volatile boolean running;

    /**
     * @param name names the thread, the client and the metrics' {@code consumer} tag
     * @param groupId the consumer group: every admin instance shares it
     */
    public TopicConsumer(String name, Topic<K, V> topic, String bootstrapServers, String groupId, int maxBatch,
            BatchHandler<V> handler, MeterRegistry registry) {
        this.topic = topic;
        this.handler = handler;
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("group.id", groupId);
        config.put("client.id", "admin-" + name);
        config.put("enable.auto.commit", false);
        config.put("auto.offset.reset", "earliest");
        config.put("max.poll.records", maxBatch);
        // Enrichment and detection write with exactly-once transactions: records of an aborted
        // transaction stay in the log (and are written again by the replay), so only committed ones
        // may become request-log rows, flags or auto-blocks.
        config.put("isolation.level", "read_committed");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.stored = Counter.builder("ipt.admin.consumer.stored").tag("consumer", name)
                .description("Records stored from a topic").register(registry);
        this.unreadable = Counter.builder("ipt.admin.consumer.unreadable").tag("consumer", name)
                .description("Records skipped because they could not be read").register(registry);
        this.failures = Counter.builder("ipt.admin.consumer.failures").tag("consumer", name)
                .description("Batches that could not be stored and were read again").register(registry);
        this.thread = Thread.ofPlatform().name("consumer-" + name).daemon().unstarted(this::run);
    }

    public void start() {
        running = true;
        thread.start();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic.name()));
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                List<V> values = new ArrayList<>(records.count());
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    try {
                        V value = topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
                        if (value != null) {
                            values.add(value);
                        }
                    } catch (RuntimeException e) {
                        unreadable.increment();
                        log.warn("Skipped unreadable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                    }
                }
                try {
                    if (!values.isEmpty()) {
                        handler.handle(values);
                    }
                    // Asynchronous: the next batch is fetched and stored while the commit travels. A
                    // commit lost in a crash only means a redelivery, which the stores drop.
                    consumer.commitAsync((offsets, error) -> {
                        if (error != null) {
                            log.debug("Offset commit for {} failed; those records may be delivered again: {}", topic.name(), error.toString());
                        }
                    });
                    stored.increment(values.size());
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    failures.increment();
                    log.warn("Could not store {} records from {}; reading them again in {}: {}", values.size(), topic.name(),
                            RETRY_PAUSE, e.toString());
                    for (TopicPartition tp : records.partitions()) {
                        consumer.seek(tp, records.records(tp).getFirst().offset());
                    }
                    Thread.sleep(RETRY_PAUSE);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("Consumer of {} stopped", topic.name(), e);
        } finally {
            try {
                consumer.commitSync(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                // Shutting down: what is not committed is delivered again to the next instance.
            }
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() {
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ZERO);
            return;
        }
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
