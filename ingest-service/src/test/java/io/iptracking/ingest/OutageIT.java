package io.iptracking.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.testing.ManagementEndpoints;
import io.iptracking.common.testing.PrivateRedisServer;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.TestRedis;
import io.iptracking.ingest.events.KafkaEventPublisher;
import io.iptracking.ingest.ratelimit.FailoverRateLimiter;
import io.iptracking.ingest.traffic.StubUpstream;
import io.iptracking.ingest.traffic.TrafficServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The edge keeps serving when what it depends on goes away: Redis (a private server this test stops,
 * restarts and freezes; the shared one is never touched) and Kafka (a broker of this test's own,
 * stopped last).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutageIT {

    static final TestKafka KAFKA = TestKafka.start();
    static final PrivateRedisServer REDIS = startedThenStopped();
    static final StubUpstream UPSTREAM = StubUpstream.start();

    private static PrivateRedisServer startedThenStopped() {
        PrivateRedisServer redis = TestRedis.startPrivateServer();
        redis.stop();
        return redis;
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        EdgeTestSettings.register(registry, KAFKA::bootstrapServers, REDIS::uri, UPSTREAM);
        registry.add("ingest.rate-limit.retry-interval", () -> "500ms");
        // The default rule (fail-open), and a fail-closed one: refused while Redis is away.
        rule(registry, 0, "sensitive", "/login", "5", "OPEN");
        rule(registry, 1, "payments", "/pay/**", "100", "CLOSED");
    }

    private static void rule(DynamicPropertyRegistry registry, int index, String name, String path, String limit, String failMode) {
        String prefix = "ingest.rate-limit.rules[" + index + "].";
        registry.add(prefix + "name", () -> name);
        registry.add(prefix + "paths", () -> path);
        registry.add(prefix + "anonymous-limit", () -> limit);
        registry.add(prefix + "authenticated-limit", () -> limit);
        registry.add(prefix + "fail-mode", () -> failMode);
    }

    @AfterAll
    static void cleanUp() {
        UPSTREAM.close();
        REDIS.close();
        KAFKA.close();
    }

    @Autowired
    TrafficServer traffic;

    @Autowired
    FailoverRateLimiter limiter;

    @Autowired
    KafkaEventPublisher events;

    @LocalServerPort
    int managementPort;

    @Test
    @Order(1)
    void startsAndLimitsPerInstanceWhileRedisWasNeverReachable() {
        EdgeClient client = new EdgeClient("127.0.0.1", traffic.port());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> ManagementEndpoints.assertHealthyWithPrometheus(managementPort));
        for (int i = 0; i < 5; i++) {
            assertThat(client.status("/login", "192.0.2.50")).isEqualTo(200);
        }
        assertThat(client.status("/login", "192.0.2.50")).as("local buckets still limit").isEqualTo(429);
        assertThat(limiter.isDegraded()).isTrue();
        HttpResponse<String> closed = client.get("/pay/1", "192.0.2.50");
        assertThat(closed.statusCode()).as("a fail-closed rule refuses while Redis is away").isEqualTo(429);
        assertThat(closed.headers().firstValue("Retry-After")).isPresent();
        assertThat(ManagementEndpoints.get(managementPort, "/actuator/prometheus").body())
                .containsPattern("(?m)^ipt_edge_ratelimit_local\\{[^}]*\\} 1\\.0$");
    }

    @Test
    @Order(2)
    void sharesBucketsOnceRedisAnswersAndFallsBackWhenItStops() {
        EdgeClient client = new EdgeClient("127.0.0.1", traffic.port());
        REDIS.restart();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.status("/login", "192.0.2.60") == 200 && !limiter.isDegraded());

        REDIS.stop();
        long errorsBefore = limiter.storeErrors();
        assertThat(IntStream.range(0, 20).map(i -> client.status("/", "192.0.2.61")).boxed().toList())
                .as("paths without a rule never touch Redis").containsOnly(200);
        assertThat(client.status("/login", "192.0.2.62")).isEqualTo(200);
        assertThat(limiter.isDegraded()).isTrue();
        assertThat(limiter.storeErrors()).isGreaterThan(errorsBefore);

        assertThat(client.status("/pay/2", "192.0.2.62")).as("fail-closed while Redis is away again").isEqualTo(429);

        REDIS.restart();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.status("/login", "192.0.2.63") == 200 && !limiter.isDegraded());
        assertThat(client.status("/pay/3", "192.0.2.63")).as("fail-closed rules count in Redis again").isEqualTo(200);
    }

    @Test
    @Order(3)
    void servesWithoutWaitingWhileRedisHangs() {
        EdgeClient client = new EdgeClient("127.0.0.1", traffic.port());
        await().atMost(Duration.ofSeconds(10)).until(() -> client.status("/login", "192.0.2.80") == 200 && !limiter.isDegraded());

        // A hung Redis accepts connections and commands but never answers: only the edge's own
        // timeouts (100 ms by default) keep requests from waiting on it.
        REDIS.freeze();
        try {
            long errorsBefore = limiter.storeErrors();
            for (int i = 0; i < 10; i++) {
                long started = System.nanoTime();
                assertThat(client.status("/login", "192.0.2." + (81 + i))).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - started))
                        .as("a hung Redis costs a request at most its timeout, not Lettuce's 60 s")
                        .isLessThan(Duration.ofSeconds(1));
            }
            assertThat(limiter.isDegraded()).isTrue();
            assertThat(limiter.storeErrors()).isGreaterThan(errorsBefore);
        } finally {
            REDIS.thaw();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> client.status("/login", "192.0.2.91") == 200 && !limiter.isDegraded());
    }

    @Test
    @Order(4)
    void keepsServingWhenKafkaStops() {
        EdgeClient client = new EdgeClient("127.0.0.1", traffic.port());
        assertThat(client.status("/before", "192.0.2.70")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.sent() > 0);
        KAFKA.close();
        long started = System.nanoTime();
        assertThat(IntStream.range(0, 50).map(i -> client.status("/during/" + i, "192.0.2.71")).boxed().toList()).containsOnly(200);
        long perRequestMs = (System.nanoTime() - started) / 50 / 1_000_000;
        assertThat(perRequestMs).as("requests never wait for Kafka").isLessThan(500);
    }
}
