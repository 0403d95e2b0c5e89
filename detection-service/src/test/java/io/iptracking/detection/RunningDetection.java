package io.iptracking.detection;

import static org.awaitility.Awaitility.await;

import io.iptracking.common.apikey.ApiKey;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One instance of the detection service, started as users start it (the whole Spring Boot
 * application) and stopped on {@link #close()}. Instances with the same application id and their own
 * state directories form one deployment; an instance restarted on the same state directory picks up
 * its local state.
 */
final class RunningDetection implements AutoCloseable {

    /** The key the activity API takes in these tests (a viewer key, as the admin API's). */
    static final String VIEWER_KEY = "it-viewer-key-0123456789abcdef0123456789ab";

    final int port;
    final Path stateDir;
    private final ConfigurableApplicationContext context;

    private RunningDetection(int port, Path stateDir, ConfigurableApplicationContext context) {
        this.port = port;
        this.stateDir = stateDir;
        this.context = context;
    }

    static RunningDetection start(String bootstrapServers, String applicationId, Path stateDir, Map<String, String> extra) {
        return start(bootstrapServers, applicationId, stateDir, FreePorts.one(), extra);
    }

    static RunningDetection start(String bootstrapServers, String applicationId, Path stateDir, int port, Map<String, String> extra) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(DetectionApplication.class)
                .run(arguments(bootstrapServers, applicationId, stateDir, port, extra).toArray(String[]::new));
        return new RunningDetection(port, stateDir, context);
    }

    /**
     * The command-line arguments of an instance in a test deployment, in process or in a process of
     * its own ({@link DetectionProcess}): as arguments they override application.yml (default
     * properties would not).
     */
    static List<String> arguments(String bootstrapServers, String applicationId, Path stateDir, int port, Map<String, String> extra) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.port", port);
        p.put("spring.main.banner-mode", "off");
        p.put("spring.kafka.bootstrap-servers", bootstrapServers);
        p.put("detection.kafka.application-id", applicationId);
        p.put("detection.kafka.state-dir", stateDir.toString());
        p.put("detection.kafka.application-server", "127.0.0.1:" + port);
        p.put("detection.activity.api-keys", "it-viewer:viewer:" + HexFormat.of().formatHex(ApiKey.hash(VIEWER_KEY)));
        // A killed instance's partitions move after the session timeout: the broker's minimum, not 45 s.
        p.put("detection.kafka.streams.session.timeout.ms", "6000");
        p.put("detection.kafka.streams.heartbeat.interval.ms", "1000");
        p.putAll(extra);
        return p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
    }

    /**
     * Waits until the deployment has committed every input record produced so far: its transactions
     * are then closed, so a read_committed reader sees every flag it will ever emit for them.
     */
    static void awaitInputCommitted(String bootstrapServers, String applicationId) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int i = 0; i < Topics.ENRICHED_REQUESTS.partitions(); i++) {
                latest.put(new TopicPartition(Topics.ENRICHED_REQUESTS.name(), i), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                        .partitionsToOffsetAndMetadata().get();
                return end.entrySet().stream().allMatch(e -> e.getValue() == 0
                        || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue());
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError("could not read offsets", e);
        }
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
