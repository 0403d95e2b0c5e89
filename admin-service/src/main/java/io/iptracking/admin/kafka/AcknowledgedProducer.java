package io.iptracking.admin.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * A producer whose every record admin waits for: acknowledged by all in-sync replicas, idempotent,
 * sent at once, and given up on after {@code timeout} in all rather than Kafka's two minutes, so that
 * an operator's call answers in time. A {@link KafkaTemplate} over Boot's producer settings.
 */
public final class AcknowledgedProducer<K, V> implements AutoCloseable {

    /** The topic did not acknowledge every record in time (some may still have been written). */
    public static final class UnavailableException extends RuntimeException {

        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Duration timeout;
    private final DefaultKafkaProducerFactory<K, V> producers;
    private final KafkaTemplate<K, V> template;

    /** @param base Boot's producer properties (servers, security) */
    public AcknowledgedProducer(Map<String, Object> base, Duration timeout, String clientId, Serializer<K> keys,
            Serializer<V> values) {
        this.timeout = timeout;
        Map<String, Object> config = new HashMap<>(base);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A change should take effect at once; batching gains nothing at this volume.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        int requestTimeout = (int) Math.min(timeout.toMillis(), 30_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), requestTimeout + 1));
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        this.producers = new DefaultKafkaProducerFactory<>(config, keys, values);
        this.template = new KafkaTemplate<>(producers);
    }

    /**
     * Sends the records in order (a null value is a tombstone) and waits until the broker has all of
     * them, for the timeout at most in all.
     */
    public List<RecordMetadata> send(String topic, List<Map.Entry<K, V>> records) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<CompletableFuture<SendResult<K, V>>> sent = new ArrayList<>(records.size());
        try {
            // Each send blocks while the topic's metadata is unknown (max.block.ms, the timeout).
            for (Map.Entry<K, V> r : records) {
                sent.add(template.send(topic, r.getKey(), r.getValue()));
            }
            template.flush();
            List<RecordMetadata> written = new ArrayList<>(sent.size());
            for (CompletableFuture<SendResult<K, V>> f : sent) {
                written.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).getRecordMetadata());
            }
            return written;
        } catch (ExecutionException e) {
            throw new UnavailableException("writing to " + topic + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException | org.apache.kafka.common.KafkaException | org.springframework.kafka.KafkaException e) {
            throw new UnavailableException(topic + " did not acknowledge within " + timeout + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while writing to " + topic, e);
        }
    }

    /** Starts the producer: metadata, the broker connection and the idempotent producer id. */
    public void prepare(String topic) {
        template.partitionsFor(topic);
    }

    @Override
    public void close() {
        producers.destroy();
    }
}
