package io.iptracking.detection;

import io.iptracking.common.apikey.ApiKey;
import io.iptracking.common.apikey.ApiKeys;
import io.iptracking.common.event.FlagRule;
import io.iptracking.common.kafka.Topics;
import io.iptracking.detection.activity.ActivityAuthentication;
import io.iptracking.detection.activity.ActivityQuery;
import io.iptracking.detection.stream.DetectionListener;
import io.iptracking.detection.stream.DetectionTopology;
import io.iptracking.detection.stream.StreamsSettings;
import io.iptracking.streams.DeadLetters;
import io.iptracking.streams.StreamsSetup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.EnumMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.springframework.kafka.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.core.KafkaAdmin;
import tools.jackson.databind.json.JsonMapper;

/** Wires detection: the one place where configuration meets the parts. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DetectionProperties.class)
class DetectionConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DetectionConfiguration.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    DetectionListener detectionMetrics(MeterRegistry registry) {
        EnumMap<FlagRule, Counter> flags = new EnumMap<>(FlagRule.class);
        for (FlagRule rule : FlagRule.values()) {
            if (rule != FlagRule.UNKNOWN) {
                flags.put(rule, Counter.builder("ipt.detection.flags").tag("rule", rule.name())
                        .description("Flags emitted (visible to read_committed consumers once their transaction commits)")
                        .register(registry));
            }
        }
        Counter late = Counter.builder("ipt.detection.late.dropped")
                .description("Requests that arrived after the grace period and were not counted").register(registry);
        Counter erasedHeld = Counter.builder("ipt.detection.erasures").tag("window", "deleted")
                .description("Erasures applied: the client's window deleted, or none was held").register(registry);
        Counter erasedNone = Counter.builder("ipt.detection.erasures").tag("window", "none").register(registry);
        Counter erasedDropped = Counter.builder("ipt.detection.erased.dropped")
                .description("Requests dated before their client's erasure that arrived after it, not counted").register(registry);
        AtomicInteger population = new AtomicInteger();
        Gauge.builder("ipt.detection.anomaly.population", population, AtomicInteger::get)
                .description("IP windows the most recently fitted anomaly model of a task was fitted on").register(registry);
        return new DetectionListener() {
            @Override
            public void flagged(FlagRule rule) {
                flags.get(rule).increment();
            }

            @Override
            public void droppedLate() {
                late.increment();
            }

            @Override
            public void droppedErased() {
                erasedDropped.increment();
            }

            @Override
            public void erased(boolean held) {
                (held ? erasedHeld : erasedNone).increment();
            }

            @Override
            public void modelFitted(int size) {
                population.set(size);
            }
        };
    }

    /** What could not be read, processed or written: dead-lettered and counted ({@code ipt_streams_dead_lettered_total}). */
    @Bean
    DeadLetters deadLetters() {
        return new DeadLetters();
    }

    /** The topics detection reads and writes, created at start-up with the catalogue's settings. */
    @Bean
    KafkaAdmin.NewTopics detectionTopics(DetectionProperties p) {
        return new KafkaAdmin.NewTopics(Stream.of(Topics.ENRICHED_REQUESTS, Topics.ERASURES, Topics.FLAGGED, Topics.REQUESTS_DLQ)
                .map(t -> t.newTopic(p.kafka().replicationFactor())).toArray(NewTopic[]::new));
    }

    /**
     * Refuses to start when the erasures and the enriched requests are not co-partitioned (someone
     * added partitions to one of them): an erasure would reach a task that does not hold the client's
     * window. Kafka Streams checks this only for joins. A lifecycle step of an earlier phase than the
     * streams, so that they never start unchecked; skipped, with a warning, when the broker cannot be
     * asked now (the streams then wait for it too).
     */
    @Bean
    SmartLifecycle erasuresCoPartitioned(KafkaAdmin admin) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                checkCoPartitioned(admin);
                running = true;
            }

            @Override
            public void stop() {
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return 0;
            }
        };
    }

    static void checkCoPartitioned(KafkaAdmin admin) {
        Map<String, TopicDescription> topics;
        try {
            topics = admin.describeTopics(Topics.ENRICHED_REQUESTS.name(), Topics.ERASURES.name());
        } catch (KafkaException | org.apache.kafka.common.KafkaException e) {
            log.warn("Could not check that {} and {} have as many partitions: {}", Topics.ENRICHED_REQUESTS.name(),
                    Topics.ERASURES.name(), e.toString());
            return;
        }
        if (!(topics.get(Topics.ENRICHED_REQUESTS.name()) instanceof TopicDescription requests)
                || !(topics.get(Topics.ERASURES.name()) instanceof TopicDescription erasures)) {
            log.warn("Could not check that {} and {} have as many partitions: not both exist", Topics.ENRICHED_REQUESTS.name(),
                    Topics.ERASURES.name());
            return;
        }
        if (requests.partitions().size() != erasures.partitions().size()) {
            throw new IllegalStateException(Topics.ERASURES.name() + " has " + erasures.partitions().size() + " partitions and "
                    + Topics.ENRICHED_REQUESTS.name() + " " + requests.partitions().size() + ": they must have as many, or an "
                    + "erasure misses the client's window. Add partitions to the smaller one (kafka-topics.sh --alter "
                    + "--partitions " + Math.max(requests.partitions().size(), erasures.partitions().size()) + ").");
        }
    }

    @Bean
    StreamsBuilderFactoryBean detectionStreams(DetectionProperties p, KafkaProperties kafka, DeadLetters deadLetters, Clock clock,
            DetectionListener listener, MeterRegistry registry) {
        return StreamsSetup.application("detection", StreamsSettings.of(p, kafka, deadLetters),
                topology -> DetectionTopology.addTo(topology, p, clock, listener), registry);
    }

    /** Lets configuration list API keys as {@code name:role:sha256hex}, as admin's does. */
    @Bean
    @ConfigurationPropertiesBinding
    static Converter<String, ApiKey> apiKeyConverter() {
        return ApiKey::parse;
    }

    @Bean
    FilterRegistrationBean<ActivityAuthentication> activityAuthentication(DetectionProperties p, JsonMapper mapper) {
        ApiKeys keys = new ApiKeys(p.activity().apiKeys());
        if (keys.isEmpty()) {
            log.warn("No API keys configured (ADMIN_API_KEYS): every activity API call answers 401.");
        }
        FilterRegistrationBean<ActivityAuthentication> bean = new FilterRegistrationBean<>(new ActivityAuthentication(keys, mapper));
        bean.addUrlPatterns("/api/*");
        return bean;
    }

    @Bean
    ActivityQuery activityQuery(StreamsBuilderFactoryBean detectionStreams, DetectionProperties p) {
        return new ActivityQuery(detectionStreams::getKafkaStreams, p.kafka().applicationServer(), p);
    }

    /** Ready while the application runs or rebalances (see {@link StreamsSetup#readiness}). */
    @Bean
    HealthIndicator streams(StreamsBuilderFactoryBean detectionStreams) {
        return StreamsSetup.readiness(detectionStreams);
    }
}
