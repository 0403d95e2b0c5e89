package io.iptracking.admin.ips;

import io.iptracking.admin.kafka.AcknowledgedProducer;
import io.iptracking.common.event.ErasureRequest;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import io.iptracking.common.kafka.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Where admin tells detection to erase an IP: {@link io.iptracking.common.kafka.Topics#ERASURES},
 * keyed like the request topics by the IP's client network address, so that the record reaches the
 * task that holds the IP's window. Each send waits for the broker's acknowledgement.
 */
public final class ErasureTopic implements AutoCloseable {

    /** Where the request was written. */
    public record Sent(String topic, int partition, long offset) {
    }

    private final Topic<ClientIp, ErasureRequest> topic;
    private final AcknowledgedProducer<ClientIp, ErasureRequest> producer;

    /** @param producerConfig the client settings (Boot's {@code KafkaProperties.buildProducerProperties()}) */
    public ErasureTopic(Topic<ClientIp, ErasureRequest> topic, Map<String, Object> producerConfig, Duration timeout) {
        this.topic = topic;
        this.producer = new AcknowledgedProducer<>(producerConfig, timeout, "admin-erasures", topic.keySerde().serializer(),
                topic.valueSerde().serializer());
    }

    /**
     * Writes the request and waits until the broker has it, for the timeout at most.
     *
     * @throws AcknowledgedProducer.UnavailableException when it did not acknowledge it in time
     */
    public Sent send(ErasureRequest request) {
        RecordMetadata written = producer.send(topic.name(), List.of(Map.entry(ClientNetwork.keyOf(request.ip()), request))).getFirst();
        return new Sent(topic.name(), written.partition(), written.offset());
    }

    @Override
    public void close() {
        producer.close();
    }
}
