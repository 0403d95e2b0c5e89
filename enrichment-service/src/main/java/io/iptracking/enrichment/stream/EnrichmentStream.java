package io.iptracking.enrichment.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/** Runs the enrichment topology for the application's lifetime. */
public final class EnrichmentStream implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EnrichmentStream.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Topology topology;
    private final Properties config;
    private final MeterRegistry registry;
    private volatile KafkaStreams streams;
    private KafkaStreamsMetrics metrics;

    /** @param registry where Kafka Streams' own metrics (lag, process rate, commit latency…) are published */
    public EnrichmentStream(Topology topology, Properties config, MeterRegistry registry) {
        this.topology = topology;
        this.config = config;
        this.registry = registry;
    }

    @Override
    public synchronized void start() {
        if (streams != null) {
            return;
        }
        KafkaStreams created = new KafkaStreams(topology, config);
        // Bad records never reach this handler (the topology routes them to the dead-letter topic); what
        // does is a broker or network failure, which a fresh thread retries from the last commit.
        created.setUncaughtExceptionHandler(e -> {
            log.error("Enrichment stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        created.setStateListener((now, before) -> log.info("Enrichment stream {} -> {}", before, now));
        metrics = new KafkaStreamsMetrics(created);
        metrics.bindTo(registry);
        created.start();
        streams = created;
    }

    @Override
    public synchronized void stop() {
        if (streams != null) {
            streams.close(CLOSE_TIMEOUT);
            streams = null;
            metrics.close();
        }
    }

    @Override
    public boolean isRunning() {
        return streams != null;
    }

    /** The Kafka Streams state, or {@code NOT_RUNNING} before start and after stop. */
    public KafkaStreams.State state() {
        KafkaStreams s = streams;
        return s == null ? KafkaStreams.State.NOT_RUNNING : s.state();
    }
}
