package io.iptracking.admin;

import io.iptracking.admin.flags.AutoBlockPolicy;
import io.iptracking.admin.flags.FlagStore;
import io.iptracking.admin.kafka.TopicConsumer;
import io.iptracking.admin.lists.BlocklistRelay;
import io.iptracking.admin.requestlog.RequestLogWriter;
import io.iptracking.admin.requestlog.Retention;
import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.TopicCreation;
import io.iptracking.common.kafka.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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

    @Bean(destroyMethod = "close")
    TopicConsumer<ClientIp, FlaggedIp> flagConsumer(AdminProperties p, FlagStore flags, AutoBlockPolicy autoBlock, Clock clock,
            MeterRegistry registry) {
        Counter autoBlocks = Counter.builder("ipt.admin.autoblock.blocks").description("Blocks made by the auto-block policy")
                .register(registry);
        return new TopicConsumer<>("flags", Topics.FLAGGED, p.kafka().bootstrapServers(), FLAGS_GROUP, 500, batch -> {
            for (FlaggedIp flag : flags.insertNew(batch, clock.instant())) {
                try {
                    autoBlock.consider(flag).ifPresent(b -> autoBlocks.increment());
                } catch (RuntimeException e) {
                    // The flag is stored; a block that failed is not retried (an operator sees the flag).
                    log.warn("Auto-block of {} after flag {} failed: {}", flag.ip(), flag.flagId(), e.toString());
                }
            }
        }, registry);
    }

    @Bean(destroyMethod = "close")
    TopicConsumer<ClientIp, EnrichedRequestEvent> requestLogConsumer(AdminProperties p, RequestLogWriter writer,
            MeterRegistry registry) {
        return new TopicConsumer<>("request-log", Topics.ENRICHED_REQUESTS, p.kafka().bootstrapServers(), REQUEST_LOG_GROUP,
                p.requestLog().maxBatch(), writer::write, registry);
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService retentionSchedule() {
        return Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("retention").daemon().factory());
    }

    /**
     * Start-up order: topics, then retention (which creates today's partitions) before the request
     * log is fed, then the consumers and the relay (which reconciles first).
     */
    @Bean
    ApplicationRunner startBackgroundWork(AdminProperties p, Retention retention, ScheduledExecutorService schedule,
            TopicConsumer<ClientIp, FlaggedIp> flagConsumer, TopicConsumer<ClientIp, EnrichedRequestEvent> requestLogConsumer,
            BlocklistRelay relay) {
        return args -> {
            TopicCreation.ensureExist(p.kafka().bootstrapServers(), p.kafka().replicationFactor(), p.kafka().timeout(),
                    List.of(Topics.FLAGGED, Topics.ENRICHED_REQUESTS));
            retention.run();
            long every = p.retention().interval().toMillis();
            schedule.scheduleWithFixedDelay(() -> {
                try {
                    retention.run();
                } catch (RuntimeException e) {
                    log.warn("Retention pass failed; next in {}: {}", p.retention().interval(), e.toString());
                }
            }, every, every, TimeUnit.MILLISECONDS);
            flagConsumer.start();
            if (p.requestLog().enabled()) {
                requestLogConsumer.start();
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
