package io.iptracking.admin;

import io.iptracking.admin.flags.AutoBlockPolicy;
import io.iptracking.admin.flags.FlagStore;
import io.iptracking.admin.kafka.TopicFeeds;
import io.iptracking.admin.lists.BlocklistRelay;
import io.iptracking.admin.requestlog.RequestLogWriter;
import io.iptracking.admin.requestlog.Retention;
import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * What only the running service does: relay the outbox continuously, consume flags and requests,
 * enforce retention. The command line (no web server) runs none of it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class BackgroundConfiguration {

    private static final Logger log = LoggerFactory.getLogger(BackgroundConfiguration.class);

    /** Every admin instance shares these groups: each record is stored once. */
    static final String FLAGS_GROUP = "admin-service.flags";
    static final String REQUEST_LOG_GROUP = "admin-service.request-log";

    /** The topics admin reads and its dead-letter topics, created at start-up with the catalogue's settings. */
    @Bean
    KafkaAdmin.NewTopics consumedTopics(AdminProperties p) {
        return new KafkaAdmin.NewTopics(Stream.of(Topics.FLAGGED, Topics.ENRICHED_REQUESTS, Topics.REQUESTS_DLQ, Topics.FLAGGED_DLQ)
                .map(t -> t.newTopic(p.kafka().replicationFactor())).toArray(NewTopic[]::new));
    }

    @Bean
    TopicFeeds topicFeeds(KafkaProperties kafka, MeterRegistry registry) {
        return new TopicFeeds(kafka, registry);
    }

    @Bean
    ConcurrentMessageListenerContainer<ClientIp, FlaggedIp> flagFeed(TopicFeeds feeds, FlagStore flags, AutoBlockPolicy autoBlock,
            Clock clock, MeterRegistry registry) {
        Counter autoBlocks = Counter.builder("ipt.admin.autoblock.blocks").description("Blocks made by the auto-block policy")
                .register(registry);
        return feeds.feed("flags", Topics.FLAGGED, FLAGS_GROUP, 500, Topics.FLAGGED_DLQ, batch -> {
            for (FlaggedIp flag : flags.insertNew(batch, clock.instant())) {
                try {
                    autoBlock.consider(flag).ifPresent(b -> autoBlocks.increment());
                } catch (RuntimeException e) {
                    // The flag is stored; a block that failed is not retried (an operator sees the flag).
                    log.warn("Auto-block of {} after flag {} failed: {}", AutoBlockPolicy.target(flag), flag.flagId(),
                            e.toString());
                }
            }
        });
    }

    @Bean
    ConcurrentMessageListenerContainer<ClientIp, EnrichedRequestEvent> requestLogFeed(TopicFeeds feeds, AdminProperties p,
            RequestLogWriter writer) {
        return feeds.feed("request-log", Topics.ENRICHED_REQUESTS, REQUEST_LOG_GROUP, p.requestLog().maxBatch(),
                Topics.REQUESTS_DLQ, writer::write);
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService retentionSchedule() {
        return Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("retention").daemon().factory());
    }

    /**
     * Start-up order, after the topics were created ({@link KafkaAdmin}, when the context is ready):
     * retention (which creates today's partitions) before the request log is fed, then the feeds and
     * the relay (which reconciles first).
     */
    @Bean
    ApplicationRunner startBackgroundWork(AdminProperties p, Retention retention, ScheduledExecutorService schedule,
            ConcurrentMessageListenerContainer<ClientIp, FlaggedIp> flagFeed,
            ConcurrentMessageListenerContainer<ClientIp, EnrichedRequestEvent> requestLogFeed, BlocklistRelay relay) {
        return args -> {
            retention.run();
            long every = p.retention().interval().toMillis();
            schedule.scheduleWithFixedDelay(() -> {
                try {
                    retention.run();
                } catch (RuntimeException e) {
                    log.warn("Retention pass failed; next in {}: {}", p.retention().interval(), e.toString());
                }
            }, every, every, TimeUnit.MILLISECONDS);
            flagFeed.start();
            if (p.requestLog().enabled()) {
                requestLogFeed.start();
            }
            relay.start();
        };
    }

    /** Details only: list changes are safe in the outbox while Kafka is away, so the API stays usable. */
    @Bean
    HealthIndicator blocklist(BlocklistRelay relay) {
        return () -> {
            Health.Builder health = Health.up().withDetail("pending", relay.pending());
            if (relay.lastReconciled() != null) {
                health.withDetail("lastReconciled", relay.lastReconciled().toString());
            }
            if (relay.lastError() != null) {
                health.withDetail("lastError", relay.lastError());
            }
            return health.build();
        };
    }
}
