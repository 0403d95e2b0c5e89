package io.iptracking.detection.stream;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the topology for the life of the application: starts it once the context is ready, closes it
 * (committing what was processed, then leaving the group) on shutdown. Never wipes local state on
 * start: the stores are what makes a restart cheap.
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
        // Leaves the group once it has committed: the other instances take over its partitions at once
        // instead of after the session timeout (45 s by default). Members are dynamic, so a restarted
        // instance joins as a new member either way and gains nothing from the old one staying.
        boolean closed = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
        if (!closed) {
            log.warn("Detection streams did not close within {}; what they had not committed is processed again by the next owner"
                    + " of their partitions", CLOSE_TIMEOUT);
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
