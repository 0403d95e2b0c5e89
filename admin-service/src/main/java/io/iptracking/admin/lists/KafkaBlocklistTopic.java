package io.iptracking.admin.lists;

import static java.util.stream.Collectors.toList;

import io.iptracking.admin.kafka.AcknowledgedProducer;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.kafka.ListFeed;
import io.iptracking.common.kafka.ListTopicSnapshot;
import io.iptracking.common.kafka.Topic;
import java.time.Clock;
import java.time.Duration;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;

/**
 * {@link BlocklistTopic} on Kafka: an {@link AcknowledgedProducer}, and a fresh {@link ListFeed} per
 * snapshot. Both take Spring Boot's {@code spring.kafka.*} settings (servers, security).
 */
public final class KafkaBlocklistTopic implements BlocklistTopic {

    private final Topic<Cidr, ListEntry> topic;
    private final Map<String, Object> consumerConfig;
    private final Duration timeout;
    private final Clock clock;
    private final AcknowledgedProducer<Cidr, ListEntry> producer;

    /**
     * @param producerConfig and {@code consumerConfig}: the client settings (Boot's
     *     {@code KafkaProperties.buildProducerProperties()} and {@code buildConsumerProperties()})
     */
    public KafkaBlocklistTopic(Topic<Cidr, ListEntry> topic, Map<String, Object> producerConfig,
            Map<String, Object> consumerConfig, Duration timeout, Clock clock) {
        this.clock = clock;
        this.topic = topic;
        this.consumerConfig = Map.copyOf(consumerConfig);
        this.timeout = timeout;
        this.producer = new AcknowledgedProducer<>(producerConfig, timeout, "admin-blocklist-relay", topic.keySerde().serializer(),
                topic.valueSerde().serializer());
    }

    @Override
    public void publish(List<Outbox.Change> changes) {
        try {
            // SimpleEntry: a tombstone's value is null.
            producer.send(topic.name(), changes.stream()
                    .<Map.Entry<Cidr, ListEntry>>map(c -> new SimpleEntry<>(c.cidr(), c.entry())).collect(toList()));
        } catch (AcknowledgedProducer.UnavailableException e) {
            throw new BlocklistUnavailableException(e.getMessage(), e.getCause());
        }
    }

    /**
     * Reads the topic to the end offsets it has now, through the same {@link ListFeed} the edges
     * follow it with: what the edges hold once caught up is what reconciliation compares.
     */
    @Override
    public Snapshot read() {
        // Unreadable CIDRs are published again from the table.
        ListTopicSnapshot state = new ListTopicSnapshot();
        try (ListFeed feed = new ListFeed(topic, state, consumerConfig, "admin-blocklist-reconciler", clock)) {
            feed.start();
            if (!feed.awaitCaughtUp(timeout)) {
                throw new BlocklistUnavailableException("could not read " + topic.name() + " to its end within " + timeout, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BlocklistUnavailableException("interrupted while reading " + topic.name(), e);
        }
        return new Snapshot(state.entries(), state.unreadable());
    }

    @Override
    public void prepare() {
        producer.prepare(topic.name());
    }

    @Override
    public void close() {
        producer.close();
    }
}
