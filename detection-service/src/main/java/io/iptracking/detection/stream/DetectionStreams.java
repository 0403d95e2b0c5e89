package io.iptracking.detection.stream;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the topology for the life of the application: starts it once the context is ready, closes it
 * (committing what was processed) on shutdown. Never wipes local state on start: the stores are what
 * makes a restart cheap.
 */
public final class DetectionStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DetectionStreams.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private volatile boolean running;

    public DetectionStreams(Topology topology, Properties settings) {
        this.streams = new KafkaStreams(topology, settings);
        // A failed stream thread is replaced rather than shutting detection down; its tasks restart
        // from the last commit, so nothing is lost or repeated.
        streams.setUncaughtExceptionHandler(e -> {
            log.error("Detection stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void start() {
        streams.start();
        running = true;
    }

    @Override
    public void stop() {
        streams.close(CLOSE_TIMEOUT);
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
