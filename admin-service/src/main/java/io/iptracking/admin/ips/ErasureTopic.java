package io.iptracking.admin.ips;

import io.iptracking.admin.kafka.AcknowledgedProducer;
import io.iptracking.common.event.ErasureRequest;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import io.iptracking.common.kafka.Topic;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Where admin tells detection to erase an IP: {@link io.iptracking.common.kafka.Topics#ERASURES},
 * keyed like the request topics by the IP's client network address, so that the record reaches the
 * task that holds the IP's window. Each send waits for the broker's acknowledgement.
 */
public final class ErasureTopic implements AutoCloseable {

    /** Where the request was written. */
    public record Sent(String topic, int partition, long offset) {
    }

    /** The topic did not acknowledge the request in time: nothing was erased. */
    public static final class UnavailableException extends RuntimeException {

        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Topic<ClientIp, ErasureRequest> topic;
    private final Duration timeout;
    private final DefaultKafkaProducerFactory<ClientIp, ErasureRequest> producers;
    private final KafkaTemplate<ClientIp, ErasureRequest> template;

    /** @param producerConfig the client settings (Boot's {@code KafkaProperties.buildProducerProperties()}) */
    public ErasureTopic(Topic<ClientIp, ErasureRequest> topic, Map<String, Object> producerConfig, Duration timeout) {
        this.topic = topic;
        this.timeout = timeout;
        this.producers = new DefaultKafkaProducerFactory<>(AcknowledgedProducer.settings(producerConfig, timeout, "admin-erasures"),
                topic.keySerde().serializer(), topic.valueSerde().serializer());
        this.template = new KafkaTemplate<>(producers);
    }

    public String name() {
        return topic.name();
    }

    /** Writes the request and waits until the broker has it, for the timeout at most in all. */
    public Sent send(ErasureRequest request) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            // Blocks while the topic's metadata is unknown (max.block.ms, the timeout), then waits what is left.
            var sending = template.send(topic.name(), ClientNetwork.keyOf(request.ip()), request);
            RecordMetadata written = sending.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                    .getRecordMetadata();
            return new Sent(topic.name(), written.partition(), written.offset());
        } catch (ExecutionException e) {
            throw new UnavailableException(topic.name() + " did not take the erasure: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException | KafkaException | org.springframework.kafka.KafkaException e) {
            throw new UnavailableException(topic.name() + " did not acknowledge the erasure within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while writing to " + topic.name(), e);
        }
    }

    @Override
    public void close() {
        producers.destroy();
    }
}
