package io.iptracking.detection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One instance of the detection service, started as users start it (the whole Spring Boot
 * application) and stopped on {@link #close()}. Instances with the same application id and their own
 * state directories form one deployment; an instance restarted on the same state directory picks up
 * its local state.
 */
final class RunningDetection implements AutoCloseable {

    final int port;
    final Path stateDir;
    private final ConfigurableApplicationContext context;

    private RunningDetection(int port, Path stateDir, ConfigurableApplicationContext context) {
        this.port = port;
        this.stateDir = stateDir;
        this.context = context;
    }

    static RunningDetection start(String bootstrapServers, String applicationId, Path stateDir, Map<String, String> extra) {
        return start(bootstrapServers, applicationId, stateDir, freePort(), extra);
    }

    static RunningDetection start(String bootstrapServers, String applicationId, Path stateDir, int port, Map<String, String> extra) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.port", port);
        p.put("spring.main.banner-mode", "off");
        p.put("detection.kafka.bootstrap-servers", bootstrapServers);
        p.put("detection.kafka.application-id", applicationId);
        p.put("detection.kafka.state-dir", stateDir.toString());
        p.put("detection.kafka.application-server", "127.0.0.1:" + port);
        // A stopped instance's partitions move after the session timeout: the broker's minimum, not 45 s.
        p.put("detection.kafka.streams.session.timeout.ms", "6000");
        p.put("detection.kafka.streams.heartbeat.interval.ms", "1000");
        p.putAll(extra);
        // As command-line arguments: they override application.yml (default properties would not).
        String[] args = p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(DetectionApplication.class).run(args);
        return new RunningDetection(port, stateDir, context);
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
