package io.iptracking.admin.lists;

import io.iptracking.admin.kafka.AcknowledgedProducer;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.kafka.ListFeed;
import io.iptracking.common.kafka.ListTopicSnapshot;
import io.iptracking.common.kafka.Topic;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * {@link BlocklistTopic} on Kafka: an idempotent producer through a {@link KafkaTemplate}, and a fresh
 * {@link ListFeed} per snapshot. Both take Spring Boot's {@code spring.kafka.*} settings (servers,
 * security).
 */
public final class KafkaBlocklistTopic implements BlocklistTopic {

    private final Topic<Cidr, ListEntry> topic;
    private final Map<String, Object> consumerConfig;
    private final Duration timeout;
    private final Clock clock;
    private final DefaultKafkaProducerFactory<Cidr, ListEntry> producers;
    private final KafkaTemplate<Cidr, ListEntry> template;

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
        Map<String, Object> config = AcknowledgedProducer.settings(producerConfig, timeout, "admin-blocklist-relay");
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
        } catch (TimeoutException | KafkaException | org.springframework.kafka.KafkaException e) {
            throw new BlocklistUnavailableException("publishing to " + topic.name() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BlocklistUnavailableException("interrupted while publishing to " + topic.name(), e);
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
        // Starts the producer: metadata, the broker connection and the idempotent producer id.
        template.partitionsFor(topic.name());
    }

    @Override
    public void close() {
        producers.destroy();
    }
}
