package io.iptracking.admin.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Settings of a producer whose every record admin waits for: acknowledged by all in-sync replicas,
 * idempotent, sent at once, and given up on after {@code timeout} rather than Kafka's two minutes, so
 * that an operator's call answers in time.
 */
public final class AcknowledgedProducer {

    private AcknowledgedProducer() {
    }

    /** {@code base} (Boot's producer properties: servers, security) with the settings above. */
    public static Map<String, Object> settings(Map<String, Object> base, Duration timeout, String clientId) {
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
        return config;
    }
}
