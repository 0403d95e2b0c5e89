package io.iptracking.ingest;

import io.iptracking.ingest.traffic.StubUpstream;
import java.util.function.Supplier;
import org.springframework.test.context.DynamicPropertyRegistry;

/** What every test of the whole edge configures alike. */
final class EdgeTestSettings {

    private EdgeTestSettings() {
    }

    /**
     * Kafka, Redis and the upstream where the test has them; traffic on a free loopback port; 127.0.0.1
     * trusted as a proxy, so that the tests' X-Forwarded-For headers name their clients.
     */
    static void register(DynamicPropertyRegistry registry, Supplier<Object> kafka, Supplier<Object> redisUri,
            StubUpstream upstream) {
        registry.add("spring.kafka.bootstrap-servers", kafka);
        registry.add("ingest.rate-limit.redis-url", redisUri);
        registry.add("ingest.upstream.url", upstream::url);
        registry.add("ingest.traffic.host", () -> "127.0.0.1");
        registry.add("ingest.traffic.port", () -> 0);
        registry.add("ingest.client-ip.trusted-proxies", () -> "127.0.0.1/32");
    }
}
