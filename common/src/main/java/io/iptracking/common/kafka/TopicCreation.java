package io.iptracking.common.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a service uses, with the partitions and settings of the catalogue, so a fresh
 * cluster needs no manual step. Existing topics are left as they are.
 */
public final class TopicCreation {

    private static final Logger log = LoggerFactory.getLogger(TopicCreation.class);

    private TopicCreation() {
    }

    /**
     * Creates whichever of {@code topics} do not exist yet. Returns false (and logs why) when Kafka did
     * not answer within {@code timeout}: services start anyway and their clients wait for the broker.
     */
    public static boolean ensureExist(String bootstrapServers, int replicationFactor, Duration timeout, List<Topic<?, ?>> topics) {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(config)) {
            var result = admin.createTopics(topics.stream().map(t -> t.newTopic(replicationFactor)).toList());
            boolean all = true;
            for (var entry : result.values().entrySet()) {
                try {
                    entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    log.info("Created topic {}", entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        log.warn("Topic {} not created: {}", entry.getKey(), e.getCause().toString());
                        all = false;
                    }
                }
            }
            return all;
        } catch (TimeoutException e) {
            log.warn("Kafka at {} did not answer within {}; topics not checked", bootstrapServers, timeout);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
