package io.iptracking.admin;

import io.iptracking.common.testing.PostgresDatabase;
import io.iptracking.common.testing.TestKafka;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The properties every full-application test sets: its database, its broker, the test API keys. */
final class AdminTestProperties {

    private AdminTestProperties() {
    }

    static void register(DynamicPropertyRegistry registry, PostgresDatabase db, TestKafka kafka) {
        registry.add("spring.datasource.url", db::jdbcUrl);
        registry.add("spring.datasource.username", db::username);
        registry.add("spring.datasource.password", db::password);
        registry.add("spring.kafka.bootstrap-servers", kafka::bootstrapServers);
        registry.add("admin.security.api-keys", ApiClient::apiKeysProperty);
        // Tests call reconcile() themselves; the start-up pass still runs.
        registry.add("admin.lists.reconcile-interval", () -> "1h");
    }
}
