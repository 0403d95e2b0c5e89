package io.iptracking.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.svix.Webhook;
import com.svix.exceptions.WebhookVerificationException;
import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.Geo;
import io.iptracking.common.event.Severity;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.json.Json;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.ContractSamples;
import io.iptracking.common.testing.PostgresDatabase;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.TestPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Webhooks end to end: registered through the API, fed by list changes and by flags read from a real
 * Kafka broker, delivered over real HTTP to a receiver that checks each signature with Svix's own
 * verifier; retries with the same webhook-id, dead deliveries and their retry, what is refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebhooksIT {

    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    static final PostgresDatabase DB = TestPostgres.newDatabase();

    static WebhookReceiver receiver;
    static KafkaProducer<ClientIp, FlaggedIp> flags;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        AdminTestProperties.register(registry, DB, KAFKA);
        // The receiver runs on this machine: its one address is allowed, the rest of loopback stays refused.
        registry.add("admin.webhooks.allowed-destinations", () -> "0.0.0.0/0,::/0,127.0.0.1/32");
        registry.add("admin.webhooks.first-retry", () -> "200ms");
        registry.add("admin.webhooks.max-retry-interval", () -> "400ms");
        registry.add("admin.webhooks.retry-for", () -> "3s");
        registry.add("admin.webhooks.timeout", () -> "1s");
    }

    @BeforeAll
    static void start() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        if (flags != null) {
            flags.close();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry registry;

    @Autowired
    JdbcClient jdbc;

    ApiClient operator;
    ApiClient viewer;

    @BeforeEach
    void clients() {
        operator = new ApiClient(port, ApiClient.OPERATOR_KEY);
        viewer = new ApiClient(port, ApiClient.VIEWER_KEY);
        if (flags == null) {
            flags = KAFKA.producer(Topics.FLAGGED.keySerde().serializer(), Topics.FLAGGED.valueSerde().serializer());
        }
    }

    @Test
    void blocksAndFlagsReachTheEndpointSignedAsStandardWebhooks() throws Exception {
        JsonNode all = register("/all", "flag.raised", "block.added", "block.removed");
        JsonNode flagsOnly = register("/flags-only", "flag.raised");
        String secret = all.get("secret").asString();
        assertThat(operator.get("/api/v1/webhooks").body()).contains(receiver.url("/all")).doesNotContain(secret);
        assertThat(viewer.get("/api/v1/webhooks").json().get(0).get("url").asString()).as("a viewer sees no path: it may hold a token")
                .isEqualTo(receiver.url("/…"));
        assertThat(viewer.get("/api/v1/webhooks").body()).doesNotContain(secret);

        long blockId = operator.post("/api/v1/blocks", "{\"cidr\":\"198.51.100.7\",\"reason\":\"webhook test\"}").json().get("id").asLong();
        assertThat(operator.delete("/api/v1/blocks/" + blockId).status()).isEqualTo(200);
        operator.post("/api/v1/blocks", "{\"cidr\":\"2001:db8:77::/48\",\"reason\":\"short\",\"duration\":\"1s\"}");
        FlaggedIp flag = flag("198.51.100.8");
        sendFlag(flag);
        sendFlag(flag); // redelivered by Kafka: told once

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/all").size() >= 5);
        List<WebhookReceiver.Received> got = receiver.at("/all");
        for (WebhookReceiver.Received r : got) {
            // Svix's verifier: the id, timestamp and body under this endpoint's secret.
            new Webhook(secret).verify(r.body(), r.headers());
            assertThat(r.header("content-type")).startsWith("application/json");
            assertThat(r.header("user-agent")).startsWith("ip-tracking-webhooks/");
        }
        assertThatThrownBy(() -> new Webhook(flagsOnly.get("secret").asString()).verify(got.getFirst().body(), got.getFirst().headers()))
                .isInstanceOf(WebhookVerificationException.class);

        List<JsonNode> payloads = got.stream().map(r -> Json.mapper().readTree(r.body())).toList();
        assertThat(payloads).extracting(p -> p.get("type").asString() + " " + p.get("data").path("cidr").asString()
                        + p.get("data").path("removal").asString())
                .contains("block.added 198.51.100.7/32", "block.removed 198.51.100.7/32unblocked",
                        "block.added 2001:db8:77::/48", "block.removed 2001:db8:77::/48expired");
        JsonNode raised = payloads.stream().filter(p -> p.get("type").asString().equals("flag.raised")).findFirst().orElseThrow();
        assertThat(raised.get("data").get("flagId").asString()).isEqualTo(flag.flagId().toString());
        assertThat(raised.get("data").get("ip").asString()).isEqualTo("198.51.100.8");
        assertThat(got.stream().filter(r -> r.body().contains("flag.raised")).map(r -> r.header("webhook-id")))
                .as("the redelivered flag is told once, its webhook-id made from the flag's").containsExactly("msg_" + flag.flagId());
        assertThat(Set.copyOf(got.stream().map(r -> r.header("webhook-id")).toList())).hasSize(5);

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/flags-only").size() >= 1);
        assertThat(receiver.at("/flags-only")).singleElement().satisfies(r -> {
            assertThat(r.header("webhook-id")).isEqualTo("msg_" + flag.flagId());
            new Webhook(flagsOnly.get("secret").asString()).verify(r.body(), r.headers());
        });

        JsonNode deliveries = viewer.get("/api/v1/webhooks/" + all.get("id").asLong() + "/deliveries?status=delivered").json();
        assertThat(deliveries.get("total").asLong()).isEqualTo(5);
        assertThat(deliveries.get("items").get(0).get("attempts").asInt()).isEqualTo(1);
        assertThat(deliveries.get("items").get(0).get("lastStatus").asInt()).isEqualTo(200);

        // Erasing the flagged IP removes the messages that name it.
        JsonNode erased = operator.delete("/api/v1/ips/198.51.100.8/data").json();
        assertThat(erased.get("removed").get("webhookMessages").asLong()).isEqualTo(1);
        delete(all);
        delete(flagsOnly);
    }

    @Test
    void aFailingEndpointIsRetriedWithTheSameWebhookIdUntilItAnswers() throws Exception {
        JsonNode endpoint = register("/flaky", "block.added");
        receiver.answer("/flaky", 500, 503, 204);
        operator.post("/api/v1/blocks", "{\"cidr\":\"198.51.100.20\",\"reason\":\"flaky\"}");

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/flaky").stream().anyMatch(r -> r.answered() == 204));
        List<WebhookReceiver.Received> attempts = receiver.at("/flaky");
        assertThat(attempts).extracting(WebhookReceiver.Received::answered).containsExactly(500, 503, 204);
        assertThat(attempts.stream().map(r -> r.header("webhook-id")).distinct()).hasSize(1);
        for (WebhookReceiver.Received r : attempts) {
            new Webhook(endpoint.get("secret").asString()).verify(r.body(), r.headers());
        }
        JsonNode delivery = await().atMost(Duration.ofSeconds(10)).until(
                () -> viewer.get("/api/v1/webhooks/" + endpoint.get("id").asLong() + "/deliveries").json().get("items").get(0),
                d -> d.get("status").asString().equals("delivered"));
        assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
        assertThat(delivery.get("webhookId").asString()).isEqualTo(attempts.getFirst().header("webhook-id"));
        delete(endpoint);
    }

    @Test
    void deliveriesThatNeverSucceedAreDeadVisibleCountedAndCanBeRetried() {
        JsonNode endpoint = register("/down", "block.added");
        long id = endpoint.get("id").asLong();
        receiver.answer("/down", 503);
        double deadBefore = registry.get("ipt.admin.webhook.dead.lettered").counter().count();
        operator.post("/api/v1/blocks", "{\"cidr\":\"198.51.100.30\",\"reason\":\"endpoint down\"}");

        JsonNode dead = await().atMost(Duration.ofSeconds(30)).until(
                () -> viewer.get("/api/v1/webhooks/" + id + "/deliveries?status=dead").json(), d -> d.get("total").asLong() == 1);
        JsonNode delivery = dead.get("items").get(0);
        int attempts = delivery.get("attempts").asInt();
        assertThat(attempts).as("retried for retry-for (3 s), 200 ms doubling to 400 ms apart").isBetween(4, 16);
        assertThat(receiver.at("/down")).hasSize(attempts);
        assertThat(delivery.get("lastStatus").asInt()).isEqualTo(503);
        assertThat(delivery.get("payload").get("data").get("cidr").asString()).isEqualTo("198.51.100.30/32");
        assertThat(registry.get("ipt.admin.webhook.dead.lettered").counter().count()).isEqualTo(deadBefore + 1);

        receiver.answer("/down", 200);
        assertThat(viewer.post("/api/v1/webhooks/" + id + "/deliveries/" + delivery.get("id").asLong() + "/retry", "").status())
                .as("viewers cannot retry").isEqualTo(403);
        assertThat(operator.post("/api/v1/webhooks/" + id + "/deliveries/" + delivery.get("id").asLong() + "/retry", "").status())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/down").stream().anyMatch(r -> r.answered() == 200));
        assertThat(receiver.at("/down").stream().map(r -> r.header("webhook-id")).distinct())
                .containsExactly(delivery.get("webhookId").asString());
        assertThat(operator.post("/api/v1/webhooks/" + id + "/deliveries/" + delivery.get("id").asLong() + "/retry", "").status())
                .as("only a dead delivery is retried").isEqualTo(404);
        delete(endpoint);
    }

    @Test
    void redirectsAreNotFollowedAndASilentEndpointTimesOutWithoutHoldingBackOthers() {
        JsonNode redirecting = register("/redirect", "block.added");
        JsonNode silent = register("/silent", "block.added");
        JsonNode healthy = register("/healthy", "block.added");
        receiver.answer("/redirect", 302);
        receiver.hang("/silent");
        for (int i = 0; i < 6; i++) {
            operator.post("/api/v1/blocks", "{\"cidr\":\"198.51.100." + (40 + i) + "\",\"reason\":\"many\"}");
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.at("/healthy").size() >= 6);
        await().atMost(Duration.ofSeconds(30)).until(() -> viewer.get("/api/v1/webhooks/" + redirecting.get("id").asLong()
                + "/deliveries").json().get("items").get(0).path("lastError").asString().contains("redirects are not followed"));
        await().atMost(Duration.ofSeconds(30)).until(() -> viewer.get("/api/v1/webhooks/" + silent.get("id").asLong()
                + "/deliveries").json().get("items").get(0).path("lastError").asString().contains("no answer within 1000 ms"));
        delete(redirecting);
        delete(silent);
        delete(healthy);
        assertThat(viewer.get("/api/v1/webhooks").body()).doesNotContain("/silent");
    }

    @Test
    void anAnswerWhoseBodyNeverEndsCountsByItsStatus() {
        JsonNode endless = register("/endless", "block.added");
        receiver.stream("/endless");
        operator.post("/api/v1/blocks", "{\"cidr\":\"198.51.100.60\",\"reason\":\"endless answer\"}");
        JsonNode delivery = await().atMost(Duration.ofSeconds(30)).until(
                () -> viewer.get("/api/v1/webhooks/" + endless.get("id").asLong() + "/deliveries").json().get("items").get(0),
                d -> d != null && d.get("status").asString().equals("delivered"));
        assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
        delete(endless);
    }

    @Test
    void whatWaitsForADeletedEndpointIsDropped() {
        JsonNode endpoint = register("/gone", "block.added");
        long id = endpoint.get("id").asLong();
        delete(endpoint);
        // As if a flag batch had queued it while the endpoint was being deleted.
        jdbc.sql("insert into webhook_message (id, event_type, payload, created_at) values "
                + "('msg_00000000-0000-0000-0000-0000000000aa', 'block.added', '{}', now())").update();
        jdbc.sql("insert into webhook_delivery (message_id, endpoint_id, status, retry_from, next_attempt_at) values "
                + "('msg_00000000-0000-0000-0000-0000000000aa', :id, 'PENDING', now(), now())").param("id", id).update();
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("select count(*) from webhook_delivery where endpoint_id = :id "
                + "and status = 'PENDING'").param("id", id).query(Long.class).single() == 0);
        assertThat(receiver.at("/gone")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"url\":\"http://169.254.169.254/latest/meta-data/\",\"events\":[\"flag.raised\"]}",
        "{\"url\":\"http://[::ffff:169.254.169.254]/\",\"events\":[\"flag.raised\"]}",
        "{\"url\":\"http://[fe80::1]/\",\"events\":[\"flag.raised\"]}",
        "{\"url\":\"http://127.0.0.2:9083/actuator\",\"events\":[\"flag.raised\"]}",
        "{\"url\":\"http://[::1]:9083/\",\"events\":[\"flag.raised\"]}",
        "{\"url\":\"file:///etc/passwd\",\"events\":[\"flag.raised\"]}",
        "{\"url\":\"http://user:secret@127.0.0.1/\",\"events\":[\"flag.raised\"]}",
        "{\"url\":\"http://127.0.0.1:99999/\",\"events\":[\"flag.raised\"]}",
        "{\"url\":\"http://10.0.0.5/\",\"events\":[\"flag.raised\"]}",
        "{\"url\":\"http://[64:ff9b::a9fe:a9fe]/\",\"events\":[\"flag.raised\"]}",
        "{\"url\":\"http://127.0.0.1/\",\"events\":[]}",
        "{\"url\":\"http://127.0.0.1/\"}",
        "{\"url\":\"http://127.0.0.1/\",\"events\":[\"flag.raised\",\"block.nope\"]}",
        "{\"url\":\"http://127.0.0.1/\",\"events\":[\"flag.raised\"],\"description\":\"two\\nlines\"}",
        "{\"url\":\"http://127.0.0.1/\",\"events\":[\"flag.raised\"],\"secret\":\"whsec_mine\"}",
        "{\"url\":\"http://127.0.0.1/\",\"events\":\"flag.raised\"}",
        "{\"events\":[\"flag.raised\"]}"
    })
    void badEndpointsAreRefusedWithAProblem(String body) {
        ApiClient.Response r = operator.post("/api/v1/webhooks", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("type").asString()).isEqualTo("urn:iptracking:problem:invalid-field");
    }

    @Test
    void onlyOperatorsManageEndpointsAndOddPathsAreProblems() {
        String ok = "{\"url\":\"" + receiver.url("/x") + "\",\"events\":[\"flag.raised\"]}";
        assertThat(viewer.post("/api/v1/webhooks", ok).status()).isEqualTo(403);
        assertThat(new ApiClient(port, null).get("/api/v1/webhooks").status()).isEqualTo(401);
        assertThat(operator.post("/api/v1/webhooks", "{\"url\":\"" + "http://127.0.0.1/" + "a".repeat(3000)
                + "\",\"events\":[\"flag.raised\"]}").status()).isIn(400, 413);
        assertThat(viewer.get("/api/v1/webhooks/abc").status()).isEqualTo(400);
        assertThat(viewer.get("/api/v1/webhooks/99999999").status()).isEqualTo(404);
        assertThat(viewer.get("/api/v1/webhooks/99999999/deliveries").status()).isEqualTo(404);
        assertThat(viewer.get("/api/v1/webhooks/1/deliveries?status=lost").status()).isEqualTo(400);
        assertThat(viewer.get("/api/v1/webhooks/1/deliveries?size=100000").status()).isEqualTo(400);
        assertThat(operator.delete("/api/v1/webhooks/99999999").status()).isEqualTo(404);
    }

    private JsonNode register(String path, String... events) {
        receiver.answer(path, 200);
        String body = "{\"url\":\"" + receiver.url(path) + "\",\"events\":[" + List.of(events).stream().map(e -> "\"" + e + "\"")
                .collect(Collectors.joining(",")) + "],\"description\":\"test " + path + "\"}";
        ApiClient.Response r = operator.post("/api/v1/webhooks", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    private void delete(JsonNode endpoint) {
        assertThat(operator.delete("/api/v1/webhooks/" + endpoint.get("id").asLong()).status()).isEqualTo(204);
    }

    static FlaggedIp flag(String ip) {
        Instant now = Instant.now();
        return new FlaggedIp(UUID.randomUUID(), ClientIp.parse(ip), FlagRule.SCANNING, ip + " scanned", Severity.HIGH, 0.9,
                now.minus(1, ChronoUnit.HOURS), now, 120, ContractSamples.flaggedIp().evidence(), Geo.UNKNOWN, now, null);
    }

    private static void sendFlag(FlaggedIp flag) throws Exception {
        flags.send(new ProducerRecord<>(Topics.FLAGGED.name(), flag.ip(), flag)).get();
    }
}
