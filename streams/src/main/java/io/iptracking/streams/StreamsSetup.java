package io.iptracking.streams;

import io.iptracking.common.kafka.Topics;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.StateRestoreListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.config.KafkaStreamsInfrastructureCustomizer;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.streams.KafkaStreamsMicrometerListener;

/**
 * How enrichment and detection run Kafka Streams, the same way for both:
 *
 * <ul>
 *   <li><b>Settings</b>: Spring Boot's {@code spring.kafka.*} client settings (servers, security),
 *       exactly-once (v2), a new application starting at the oldest retained record, and the
 *       {@link DeadLetters} handlers writing to {@link Topics#REQUESTS_DLQ};
 *   <li><b>Lifecycle</b>: Spring Kafka's {@link StreamsBuilderFactoryBean}, started with the
 *       application context; on shutdown it commits what was processed and leaves the group (the other
 *       instances take over its partitions at once instead of after the session timeout), waiting at most
 *       {@link #CLOSE_TIMEOUT}; local state is never wiped. A stream thread that fails is replaced: its
 *       tasks resume from the last commit, so nothing is lost or repeated. Kafka Streams' own metrics
 *       are published to Micrometer;
 *   <li><b>Readiness</b>: {@link #readiness}, the same rule for both.
 * </ul>
 */
public final class StreamsSetup {

    /** How long closing may take before the next owner of the partitions processes again what was not committed. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(StreamsSetup.class);

    /**
     * What differs between the applications.
     *
     * @param applicationId consumer group and transactional id prefix, shared by every instance
     * @param stateDir Kafka Streams' local directory; null for its default under {@code java.io.tmpdir}
     */
    public record Settings(String applicationId, int streamThreads, int replicationFactor, Duration commitInterval,
            String stateDir) {
    }

    private StreamsSetup() {
    }

    /** The Streams configuration: {@code kafka}'s client settings, then {@code settings}, then the shared ones. */
    public static Properties properties(KafkaProperties kafka, Settings settings, DeadLetters deadLetters) {
        Properties p = new Properties();
        p.putAll(kafka.buildStreamsProperties());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.streamThreads());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, settings.replicationFactor());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
        if (settings.stateDir() != null) {
            p.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir());
        }
        // Output, store updates and input offsets commit in one transaction: a crash replays what was not
        // committed against what was, so nothing is lost or repeated.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // A new application id starts at the oldest retained record: nothing published before its first start is skipped.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.putAll(deadLetterHandling(deadLetters));
        return p;
    }

    /** The {@link DeadLetters} handlers and topic alone, for a {@code TopologyTestDriver}. */
    public static Properties deadLetterHandling(DeadLetters deadLetters) {
        Properties p = new Properties();
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.Deserialization.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.Processing.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.Production.class);
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.REQUESTS_DLQ.name());
        p.put(DeadLetters.CONFIG, deadLetters);
        return p;
    }

    /**
     * The application's lifecycle, to be returned from a {@code @Bean} method: Spring then builds the
     * topology ({@code topology} adds its nodes to an empty one), starts it with the context and closes
     * it on shutdown.
     *
     * @param name names the application in logs
     */
    public static StreamsBuilderFactoryBean application(String name, Properties properties, Consumer<Topology> topology,
            MeterRegistry registry) {
        StreamsBuilderFactoryBean bean = new StreamsBuilderFactoryBean();
        // The bean's name tags its metrics; a context names it again after its @Bean method.
        bean.setBeanName(name);
        bean.setStreamsConfiguration(properties);
        bean.setInfrastructureCustomizer(new KafkaStreamsInfrastructureCustomizer() {
            @Override
            public void configureTopology(Topology empty) {
                topology.accept(empty);
            }
        });
        bean.setCloseTimeout((int) CLOSE_TIMEOUT.toSeconds());
        bean.setLeaveGroupOnClose(true);
        bean.setStreamsUncaughtExceptionHandler(e -> {
            log.error("{}: a stream thread failed; replacing it", name, e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        bean.setStateListener((now, before) -> log.info("{} streams {} -> {}", name, before, now));
        bean.addListener(new KafkaStreamsMicrometerListener(registry));
        Restorations restorations = new Restorations();
        bean.setStateRestoreListener(restorations);
        bean.addListener(restorations);
        return bean;
    }

    /**
     * Ready while the application processes: running, or rebalancing while none of its stores is being
     * restored (its other tasks go on meanwhile; a rolling deploy must not move on while an instance
     * rebuilds its state); out of service before it started and while it restores; down once it
     * stopped or failed for good.
     */
    public static HealthIndicator readiness(StreamsBuilderFactoryBean application) {
        return () -> {
            KafkaStreams streams = application.getKafkaStreams();
            KafkaStreams.State state = streams == null ? KafkaStreams.State.CREATED : streams.state();
            int restoring = application.getListeners().stream().filter(Restorations.class::isInstance)
                    .mapToInt(l -> ((Restorations) l).restoring()).sum();
            return readiness(state, restoring).withDetail("state", state.name()).withDetail("restoringStores", restoring).build();
        };
    }

    static Health.Builder readiness(KafkaStreams.State state, int restoringStores) {
        return switch (state) {
            case RUNNING -> Health.up();
            case REBALANCING -> restoringStores == 0 ? Health.up() : Health.outOfService();
            case CREATED -> Health.outOfService();
            case PENDING_SHUTDOWN, NOT_RUNNING, PENDING_ERROR, ERROR -> Health.down();
        };
    }

    /** Counts the state stores being restored from their changelogs, for readiness. */
    static final class Restorations implements StateRestoreListener, StreamsBuilderFactoryBean.Listener {

        private final AtomicInteger restoring = new AtomicInteger();

        int restoring() {
            return Math.max(0, restoring.get());
        }

        @Override
        public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
            restoring.incrementAndGet();
        }

        @Override
        public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        }

        @Override
        public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
            restoring.decrementAndGet();
        }

        @Override
        public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
            restoring.decrementAndGet();
        }
    }
}
