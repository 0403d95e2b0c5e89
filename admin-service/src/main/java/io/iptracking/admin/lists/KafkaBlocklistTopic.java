package io.iptracking.admin.lists;

import io.iptracking.common.event.ListEntry;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.kafka.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * {@link BlocklistTopic} on Kafka: an idempotent producer through a {@link KafkaTemplate}, and a fresh
 * reader per snapshot. Both take Spring Boot's {@code spring.kafka.*} settings (servers, security).
 */
public final class KafkaBlocklistTopic implements BlocklistTopic {

    private static final Logger log = LoggerFactory.getLogger(KafkaBlocklistTopic.class);

    private final Topic<Cidr, ListEntry> topic;
    private final Map<String, Object> consumerConfig;
    private final Duration timeout;
    private final DefaultKafkaProducerFactory<Cidr, ListEntry> producers;
    private final KafkaTemplate<Cidr, ListEntry> template;

    /**
     * @param producerConfig and {@code consumerConfig}: the client settings (Boot's
     *     {@code KafkaProperties.buildProducerProperties()} and {@code buildConsumerProperties()})
     */
    public KafkaBlocklistTopic(Topic<Cidr, ListEntry> topic, Map<String, Object> producerConfig,
            Map<String, Object> consumerConfig, Duration timeout) {
        this.topic = topic;
        this.consumerConfig = Map.copyOf(consumerConfig);
        this.timeout = timeout;
        Map<String, Object> config = new HashMap<>(producerConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A block should reach the edges at once; batching gains nothing at this volume.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        int requestTimeout = (int) Math.min(timeout.toMillis(), 30_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), requestTimeout + 1));
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "admin-blocklist-relay");
        this.producers = new DefaultKafkaProducerFactory<>(config, topic.keySerde().serializer(), topic.valueSerde().serializer());
        this.template = new KafkaTemplate<>(producers);
    }

    @Override
    public void publish(List<Outbox.Change> changes) {
        List<CompletableFuture<SendResult<Cidr, ListEntry>>> sent = new ArrayList<>(changes.size());
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Outbox.Change c : changes) {
                sent.add(template.send(topic.name(), c.cidr(), c.entry()));
            }
            template.flush();
            for (CompletableFuture<SendResult<Cidr, ListEntry>> f : sent) {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            throw new BlocklistUnavailableException("publishing to " + topic.name() + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException | KafkaException e) {
            throw new BlocklistUnavailableException("publishing to " + topic.name() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BlocklistUnavailableException("interrupted while publishing to " + topic.name(), e);
        }
    }

    @Override
    public Snapshot read() {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "admin-blocklist-reconciler");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        Map<Cidr, ListEntry> entries = new HashMap<>();
        Set<Cidr> unreadable = new HashSet<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), timeout).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new BlocklistUnavailableException("could not read " + topic.name() + " to its end within " + timeout, null);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r, entries, unreadable);
                }
            }
        } catch (KafkaException e) {
            throw new BlocklistUnavailableException("reading " + topic.name() + " failed: " + e, e);
        }
        return new Snapshot(entries, unreadable);
    }

    private void apply(ConsumerRecord<byte[], byte[]> r, Map<Cidr, ListEntry> entries, Set<Cidr> unreadable) {
        Cidr cidr;
        try {
            cidr = topic.keySerde().deserializer().deserialize(topic.name(), r.key());
        } catch (RuntimeException e) {
            // No key we could tombstone: compaction will never drop it, but no edge can apply it either.
            log.warn("Blocklist record at offset {} has an unreadable key: {}", r.offset(), e.getMessage());
            return;
        }
        if (cidr == null) {
            return;
        }
        try {
            ListEntry entry = topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
            unreadable.remove(cidr);
            if (entry == null || !entry.cidr().equals(cidr)) {
                entries.remove(cidr);
                if (entry != null) {
                    unreadable.add(cidr);
                }
            } else {
                entries.put(cidr, entry);
            }
        } catch (RuntimeException e) {
            entries.remove(cidr);
            unreadable.add(cidr);
        }
    }

    @Override
    public void prepare() {
        // Starts the producer: metadata, the broker connection and the idempotent producer id.
        template.partitionsFor(topic.name());
    }

    @Override
    public void close() {
        producers.destroy();
    }
}
