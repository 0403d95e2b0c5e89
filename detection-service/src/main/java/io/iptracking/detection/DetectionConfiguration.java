package io.iptracking.detection;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.kafka.TopicCreation;
import io.iptracking.common.kafka.Topics;
import io.iptracking.detection.activity.ActivityQuery;
import io.iptracking.detection.rules.Detector;
import io.iptracking.detection.stream.DetectionListener;
import io.iptracking.detection.stream.DetectionStreams;
import io.iptracking.detection.stream.DetectionTopology;
import io.iptracking.detection.stream.StreamsSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires detection: the one place where configuration meets the parts. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DetectionProperties.class)
class DetectionConfiguration {

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
            public void modelFitted(int size) {
                population.set(size);
            }
        };
    }

    @Bean
    DetectionStreams detectionStreams(DetectionProperties p, Clock clock, DetectionListener listener, MeterRegistry registry) {
        TopicCreation.ensureExist(p.kafka().bootstrapServers(), p.kafka().replicationFactor(), Duration.ofSeconds(10),
                List.of(Topics.ENRICHED_REQUESTS, Topics.FLAGGED, Topics.REQUESTS_DLQ));
        DetectionStreams streams = new DetectionStreams(DetectionTopology.build(p, clock, listener), StreamsSettings.of(p));
        new KafkaStreamsMetrics(streams.streams()).bindTo(registry);
        return streams;
    }

    @Bean
    ActivityQuery activityQuery(DetectionStreams streams, DetectionProperties p) {
        return new ActivityQuery(streams.streams(), p.kafka().applicationServer(), new Detector(p));
    }

    /** Ready only while processing: during start-up, restoration and rebalances the stores are not queryable. */
    @Bean
    HealthIndicator streams(DetectionStreams streams) {
        return () -> {
            KafkaStreams.State state = streams.streams().state();
            Health.Builder health = switch (state) {
                case RUNNING -> Health.up();
                case CREATED, REBALANCING -> Health.outOfService();
                default -> Health.down();
            };
            return health.withDetail("state", state.name()).build();
        };
    }
}
