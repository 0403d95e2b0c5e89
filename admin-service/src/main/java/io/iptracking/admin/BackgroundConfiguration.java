package io.iptracking.admin;

import io.iptracking.admin.lists.BlocklistRelay;
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

    @Bean
    ApplicationRunner startBlocklistRelay(BlocklistRelay relay) {
        return args -> relay.start();
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
