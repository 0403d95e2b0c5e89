package io.iptracking.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.iptracking.common.event.Decision;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.ManagementEndpoints;
import io.iptracking.common.testing.RedisNamespace;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.TestRedis;
import io.iptracking.ingest.traffic.StubUpstream;
import io.iptracking.ingest.traffic.TrafficServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The whole edge as users run it, against a real Kafka broker and a real Redis. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class EdgeIT {

    static final String JWT_SECRET = "edge-it-jwt-secret-0123456789abcdef";

    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    static final RedisNamespace REDIS = TestRedis.newNamespace();
    static final StubUpstream UPSTREAM = StubUpstream.start();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        EdgeTestSettings.register(registry, KAFKA::bootstrapServers, REDIS::uri, UPSTREAM);
        registry.add("ingest.rate-limit.key-prefix", REDIS::keyPrefix);
        registry.add("ingest.auth.jwt-hmac-secret", () -> JWT_SECRET);
        registry.add("ingest.auth.subject-secret", () -> "edge-it-subject-secret-0123456789abcdef");
    }

    @AfterAll
    static void stopUpstream() {
        UPSTREAM.close();
    }

    @Autowired
    TrafficServer traffic;

    @LocalServerPort
    int managementPort;

    EdgeClient proxy;
    EdgeClient stranger;

    @BeforeEach
    void clients() {
        proxy = new EdgeClient("127.0.0.1", traffic.port());
        stranger = new EdgeClient("127.0.0.2", traffic.port());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> ManagementEndpoints.assertHealthyWithPrometheus(managementPort));
    }

    @Test
    void publishesOneEventPerRequestKeyedByClientIp() {
        assertThat(proxy.status("/shop/cart?id=7", "203.0.113.77", "User-Agent", "edge-it")).isEqualTo(200);
        ConsumerRecord<ClientIp, RequestEvent> record = firstEvent(r -> r.key().toString().equals("203.0.113.77"));
        RequestEvent event = record.value();
        assertThat(event.ip()).hasToString("203.0.113.77");
        assertThat(event.path()).isEqualTo("/shop/cart");
        assertThat(event.status()).isEqualTo(200);
        assertThat(event.decision()).isEqualTo(Decision.ALLOWED);
        assertThat(event.mode()).isEqualTo(Mode.PROXY);
        assertThat(event.userAgent()).isEqualTo("edge-it");
    }

    @Test
    void exposesItsMetricsByName() {
        double allowed = countedSoFar("ipt_edge_decisions_total", "decision=\"ALLOWED\"", "rule=\"none\"");
        double timed = metric("ipt_edge_decision_latency_seconds_count");
        double sent = metric("ipt_edge_events_sent_total");
        for (int i = 0; i < 3; i++) {
            assertThat(proxy.status("/metrics/probe", "203.0.113.90")).isEqualTo(200);
        }
        assertThat(metric("ipt_edge_decisions_total", "decision=\"ALLOWED\"", "rule=\"none\"") - allowed).isEqualTo(3);
        assertThat(metric("ipt_edge_decision_latency_seconds_count") - timed).isEqualTo(3);
        assertThat(metric("ipt_edge_decision_latency_seconds_bucket", "le=\"+Inf\"")).isPositive();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertThat(metric("ipt_edge_events_sent_total") - sent).isGreaterThanOrEqualTo(3));
        assertThat(metric("ipt_edge_lists_entries", "list=\"block\"")).isNotNegative();
        assertThat(metric("ipt_edge_lists_entries", "list=\"allow\"")).isNotNegative();
        // Nothing this test run can cause has gone wrong: those fault counters are there, and at zero.
        for (String zero : List.of("ipt_edge_lists_unreadable_total", "ipt_edge_lists_feed_failures_total",
                "ipt_edge_events_dropped_total", "ipt_edge_events_failed_total", "ipt_edge_events_invalid_total",
                "ipt_edge_policy_failures_total")) {
            assertThat(metric(zero)).as(zero).isZero();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(metric("ipt_edge_lists_lag")).isZero());
        // A busy machine may slow a Redis call past its timeout, or a first event may wait for metadata.
        assertThat(metric("ipt_edge_ratelimit_local")).isBetween(0.0, 1.0);
        for (String present : List.of("ipt_edge_ratelimit_store_errors_total", "ipt_edge_ratelimit_remembered_refusals_total",
                "ipt_edge_events_requeued_total", "ipt_edge_events_queued")) {
            assertThat(metric(present)).as(present).isNotNegative();
        }
    }

    private double metric(String name, String... labels) {
        return ManagementEndpoints.metric(managementPort, name, labels);
    }

    /** A counter's value, or 0 while it does not exist: a decision's counter appears at its first use. */
    private double countedSoFar(String name, String... labels) {
        try {
            return metric(name, labels);
        } catch (AssertionError notYet) {
            return 0;
        }
    }

    @Test
    void enforcesABlockWithinOneSecondOfItsRecordAndLiftsItOnTombstone() throws Exception {
        double blocked = countedSoFar("ipt_edge_decisions_total", "decision=\"BLOCKED\"", "rule=\"blocklist\"");
        Cidr range = Cidr.parse("198.51.100.0/24");
        assertThat(proxy.status("/", "198.51.100.7")).isEqualTo(200);
        try (KafkaProducer<Cidr, ListEntry> producer = listProducer()) {
            producer.send(new ProducerRecord<>(Topics.BLOCKLIST.name(), range, entry(range, ListAction.BLOCK, null))).get();
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                    .until(() -> proxy.status("/", "198.51.100.7") == 403);
            assertThat(proxy.status("/", "198.51.100.8")).isEqualTo(403);
            assertThat(proxy.status("/", "198.51.101.7")).isEqualTo(200);

            producer.send(new ProducerRecord<>(Topics.BLOCKLIST.name(), range, null)).get();
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                    .until(() -> proxy.status("/", "198.51.100.7") == 200);
        }
        assertThat(metric("ipt_edge_decisions_total", "decision=\"BLOCKED\"", "rule=\"blocklist\"") - blocked)
                .as("two 403s at least").isGreaterThanOrEqualTo(2);
    }

    @Test
    void anExpiringBlockExpiresAtTheEdge() throws Exception {
        Cidr ip = Cidr.parse("198.51.100.99/32");
        try (KafkaProducer<Cidr, ListEntry> producer = listProducer()) {
            producer.send(new ProducerRecord<>(Topics.BLOCKLIST.name(), ip,
                    entry(ip, ListAction.BLOCK, Instant.now().plusSeconds(2)))).get();
        }
        await().atMost(Duration.ofSeconds(1)).until(() -> proxy.status("/", "198.51.100.99") == 403);
        await().atMost(Duration.ofSeconds(4)).until(() -> proxy.status("/", "198.51.100.99") == 200);
    }

    @Test
    void sixthAnonymousLoginInAMinuteIsRefusedWithHeaders() {
        for (int i = 1; i <= 5; i++) {
            assertThat(proxy.status("/login", "192.0.2.10")).as("request %d", i).isEqualTo(200);
        }
        double rememberedBefore = metric("ipt_edge_ratelimit_remembered_refusals_total");
        double limited = countedSoFar("ipt_edge_decisions_total", "decision=\"RATE_LIMITED\"", "rule=\"sensitive\"");
        HttpResponse<String> sixth = proxy.get("/login", "192.0.2.10");
        assertRefusedWithHeaders(sixth);
        assertThat(metric("ipt_edge_decisions_total", "decision=\"RATE_LIMITED\"", "rule=\"sensitive\"") - limited).isEqualTo(1);
        assertThat(proxy.status("/", "192.0.2.10")).as("other paths are not limited").isEqualTo(200);

        // Redis refused this client: for a second the edge answers from memory, with the same headers.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertRefusedWithHeaders(proxy.get("/login", "192.0.2.10"));
            assertThat(metric("ipt_edge_ratelimit_remembered_refusals_total")).isGreaterThan(rememberedBefore);
        });
    }

    private static void assertRefusedWithHeaders(HttpResponse<String> refused) {
        assertRefusedWithHeaders(refused, 5);
    }

    /** A 429 of the default rule for a client allowed {@code quota} requests a minute: a token comes every 60/quota s. */
    private static void assertRefusedWithHeaders(HttpResponse<String> refused, int quota) {
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After"))
                .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 60 / quota));
        assertThat(refused.headers().firstValue("RateLimit-Policy")).contains("\"sensitive\";q=" + quota + ";w=60");
        assertThat(refused.headers().firstValue("RateLimit")).hasValueSatisfying(v -> assertThat(v).startsWith("\"sensitive\";r=0;t="));
    }

    @Test
    void anAuthenticatedUsersLimitFollowsTheUserAcrossIps() throws Exception {
        String token = "Bearer " + token("alice");
        for (int i = 1; i <= 10; i++) {
            assertThat(proxy.status("/admin/users", "192.0.2." + (30 + i), "Authorization", token)).as("request %d", i).isEqualTo(200);
        }
        assertRefusedWithHeaders(proxy.get("/admin/users", "192.0.2.99", "Authorization", token), 10);
        assertThat(proxy.status("/admin/users", "192.0.2.99")).as("the same IP anonymous has its own bucket").isEqualTo(200);
        assertThat(proxy.status("/admin/users", "192.0.2.98", "Authorization", "Bearer forged.token.value"))
                .as("a bad token is anonymous").isEqualTo(200);
    }

    @Test
    void anAllowlistedIpIsNeverBlockedOrLimited() throws Exception {
        Cidr allowed = Cidr.parse("192.0.2.200/32");
        Cidr blockedRange = Cidr.parse("192.0.2.192/26");
        try (KafkaProducer<Cidr, ListEntry> producer = listProducer()) {
            producer.send(new ProducerRecord<>(Topics.BLOCKLIST.name(), blockedRange, entry(blockedRange, ListAction.BLOCK, null))).get();
            producer.send(new ProducerRecord<>(Topics.BLOCKLIST.name(), allowed, entry(allowed, ListAction.ALLOW, null))).get();
        }
        await().atMost(Duration.ofSeconds(1)).until(() -> proxy.status("/", "192.0.2.201") == 403);
        for (int i = 0; i < 20; i++) {
            assertThat(proxy.status("/login", "192.0.2.200")).isEqualTo(200);
        }
        assertThat(metric("ipt_edge_decisions_total", "decision=\"ALLOWLISTED\"", "rule=\"allowlist\"")).isGreaterThanOrEqualTo(20);
    }

    @Test
    void aSpoofedForwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
        Cidr range = Cidr.parse("203.0.113.128/25");
        try (KafkaProducer<Cidr, ListEntry> producer = listProducer()) {
            producer.send(new ProducerRecord<>(Topics.BLOCKLIST.name(), range, entry(range, ListAction.BLOCK, null))).get();
        }
        await().atMost(Duration.ofSeconds(1)).until(() -> proxy.status("/", "203.0.113.200") == 403);
        // 127.0.0.2 is not a trusted proxy: it is the client, whatever it writes.
        assertThat(stranger.status("/", "203.0.113.200")).isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            stranger.status("/login", "10.9.8." + i);
        }
        assertThat(stranger.status("/login", "10.9.9.9")).as("counted as 127.0.0.2, not the claimed IPs").isEqualTo(429);
    }

    private static ConsumerRecord<ClientIp, RequestEvent> firstEvent(Predicate<ConsumerRecord<ClientIp, RequestEvent>> wanted) {
        try (KafkaConsumer<ClientIp, RequestEvent> consumer = KAFKA.consumer(
                Topics.REQUESTS.keySerde().deserializer(), Topics.REQUESTS.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.REQUESTS.name()));
            List<ConsumerRecord<ClientIp, RequestEvent>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (wanted.test(r)) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
            return found.get(0);
        }
    }

    private static KafkaProducer<Cidr, ListEntry> listProducer() {
        return KAFKA.producer(Topics.BLOCKLIST.keySerde().serializer(), Topics.BLOCKLIST.valueSerde().serializer());
    }

    private static ListEntry entry(Cidr cidr, ListAction action, Instant expiresAt) {
        return new ListEntry(cidr, action, "edge test", ListSource.MANUAL, "edge-it", Instant.now().minusSeconds(1), expiresAt);
    }

    private static String token(String subject) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject(subject)
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        jwt.sign(new MACSigner(JWT_SECRET));
        return jwt.serialize();
    }
}
