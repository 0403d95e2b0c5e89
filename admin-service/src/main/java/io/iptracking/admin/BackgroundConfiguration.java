package io.iptracking.admin;

import io.iptracking.admin.flags.AutoBlockPolicy;
import io.iptracking.admin.flags.FlagStore;
import io.iptracking.admin.kafka.TopicFeeds;
import io.iptracking.admin.lists.BlocklistRelay;
import io.iptracking.admin.requestlog.RequestLogWriter;
import io.iptracking.admin.requestlog.Retention;
import io.iptracking.admin.webhooks.Deliveries;
import io.iptracking.admin.webhooks.Destinations;
import io.iptracking.admin.webhooks.Retries;
import io.iptracking.admin.webhooks.WebhookDispatcher;
import io.iptracking.admin.webhooks.WebhookEvents;
import io.iptracking.admin.webhooks.WebhookSender;
import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
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
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What only the running service does: relay the outbox continuously, consume flags and requests,
 * send webhooks, enforce retention. The command line (no web server) runs none of it.
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
            WebhookEvents webhooks, TransactionTemplate tx, Clock clock, MeterRegistry registry) {
        Counter autoBlocks = Counter.builder("ipt.admin.autoblock.blocks").description("Blocks made by the auto-block policy")
                .register(registry);
        TransactionTemplate nested = new TransactionTemplate(tx.getTransactionManager());
        nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        return feeds.feed("flags", Topics.FLAGGED, FLAGS_GROUP, 500, Topics.FLAGGED_DLQ, batch -> {
            // A flag, its webhook message and its auto-block are stored together: a redelivered flag is neither stored
            // nor told nor acted on twice, and one stored is always told and acted on.
            tx.executeWithoutResult(status -> {
                Instant now = clock.instant();
                List<FlaggedIp> fresh = flags.insertNew(batch, now);
                webhooks.flagsRaised(fresh, now);
                for (FlaggedIp flag : fresh) {
                    try {
                        // In a savepoint of its own: a block refused (a concurrent one, an invalid range) undoes only itself.
                        nested.executeWithoutResult(s -> autoBlock.consider(flag).ifPresent(b -> autoBlocks.increment()));
                    } catch (RuntimeException e) {
                        // The flag is stored; a block refused for good is not retried (an operator sees the flag).
                        log.warn("Auto-block of {} after flag {} failed: {}", AutoBlockPolicy.target(flag), flag.flagId(),
                                e.toString());
                    }
                }
            });
        });
    }

    @Bean
    ConcurrentMessageListenerContainer<ClientIp, EnrichedRequestEvent> requestLogFeed(TopicFeeds feeds, AdminProperties p,
            RequestLogWriter writer) {
        return feeds.feed("request-log", Topics.ENRICHED_REQUESTS, REQUEST_LOG_GROUP, p.requestLog().maxBatch(),
                Topics.REQUESTS_DLQ, writer::write);
    }

    @Bean(destroyMethod = "close")
    WebhookSender webhookSender(Destinations destinations, AdminProperties p, Clock clock) {
        return new WebhookSender(destinations, p.webhooks().timeout(), p.webhooks().concurrency(), clock);
    }

    @Bean(destroyMethod = "close")
    WebhookDispatcher webhookDispatcher(DataSource dataSource, Deliveries deliveries, WebhookSender sender, AdminProperties p,
            Clock clock, MeterRegistry registry) {
        AdminProperties.Webhooks w = p.webhooks();
        return new WebhookDispatcher(dataSource, deliveries, sender, new Retries(w.firstRetry(), w.maxRetryInterval(), w.retryFor()),
                clock, w.timeout(), w.concurrency(), w.keepDeliveries(), registry);
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
            ConcurrentMessageListenerContainer<ClientIp, EnrichedRequestEvent> requestLogFeed, BlocklistRelay relay,
            WebhookDispatcher webhooks) {
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
            webhooks.start();
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
