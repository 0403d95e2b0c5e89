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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link BlocklistTopic} on Kafka: an idempotent producer, and a fresh reader per snapshot. */
public final class KafkaBlocklistTopic implements BlocklistTopic {

    private static final Logger log = LoggerFactory.getLogger(KafkaBlocklistTopic.class);

    private final Topic<Cidr, ListEntry> topic;
    private final String bootstrapServers;
    private final Duration timeout;
    private volatile KafkaProducer<Cidr, ListEntry> producer;

    public KafkaBlocklistTopic(Topic<Cidr, ListEntry> topic, String bootstrapServers, Duration timeout) {
        this.topic = topic;
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
    }

    @Override
    public void publish(List<Outbox.Change> changes) {
        KafkaProducer<Cidr, ListEntry> p = producer();
        List<Future<RecordMetadata>> sent = new ArrayList<>(changes.size());
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Outbox.Change c : changes) {
                sent.add(p.send(new ProducerRecord<>(topic.name(), c.cidr(), c.entry())));
            }
            p.flush();
            for (Future<RecordMetadata> f : sent) {
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
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("enable.auto.commit", false);
        config.put("client.id", "admin-blocklist-reconciler");
        config.put("default.api.timeout.ms", (int) timeout.toMillis());
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
        producer().partitionsFor(topic.name());
    }

    private KafkaProducer<Cidr, ListEntry> producer() {
        KafkaProducer<Cidr, ListEntry> p = producer;
        if (p == null) {
            synchronized (this) {
                p = producer;
                if (p == null) {
                    Map<String, Object> config = new HashMap<>();
                    config.put("bootstrap.servers", bootstrapServers);
                    config.put("acks", "all");
                    config.put("enable.idempotence", true);
                    // A block should reach the edges at once; batching gains nothing at this volume.
                    config.put("linger.ms", 0);
                    config.put("max.block.ms", (int) timeout.toMillis());
                    config.put("request.timeout.ms", (int) Math.min(timeout.toMillis(), 30_000));
                    config.put("delivery.timeout.ms", (int) Math.max(timeout.toMillis(), Math.min(timeout.toMillis(), 30_000) + 1));
                    config.put("client.id", "admin-blocklist-relay");
                    p = new KafkaProducer<>(config, topic.keySerde().serializer(), topic.valueSerde().serializer());
                    producer = p;
                }
            }
        }
        return p;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
