package io.iptracking.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.admin.lists.BlocklistRelay;
import io.iptracking.admin.lists.Reconciliation;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.PostgresDatabase;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The lists as operators use them, on real PostgreSQL and a real Kafka broker: API in, topic out. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class BlocklistIT {

    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    static final PostgresDatabase DB = TestPostgres.newDatabase();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        AdminTestProperties.register(registry, DB, KAFKA);
    }

    @LocalServerPort
    int port;

    @Autowired
    BlocklistRelay relay;

    ApiClient operator;
    ApiClient viewer;
    BlocklistRecords topic;

    @BeforeEach
    void clients() {
        operator = new ApiClient(port, ApiClient.OPERATOR_KEY);
        viewer = new ApiClient(port, ApiClient.VIEWER_KEY);
        topic = new BlocklistRecords(KAFKA);
    }

    @AfterEach
    void close() {
        topic.close();
    }

    @Test
    void theOpenApiDocumentDescribesTheApiAndSwaggerUiIsServed() {
        ApiClient anonymous = new ApiClient(port, null);
        ApiClient.Response doc = anonymous.get("/v3/api-docs");
        assertThat(doc.status()).as(doc.toString()).isEqualTo(200);
        JsonNode paths = doc.json().get("paths");
        assertThat(paths.has("/api/v1/blocks")).isTrue();
        assertThat(paths.has("/api/v1/ips/{ip}/data")).isTrue();
        assertThat(paths.has("/api/v1/reports/summary")).isTrue();
        assertThat(doc.json().get("components").get("securitySchemes").has("apiKey")).isTrue();
        assertThat(anonymous.get("/swagger-ui/index.html").status()).isEqualTo(200);
    }

    @Test
    void everyChangeIsAuditedWithActorAndBeforeAndAfter() {
        long id = operator.post("/api/v1/blocks", "{\"cidr\":\"192.0.2.130\",\"reason\":\"audited\"}").json().get("id").asLong();
        operator.delete("/api/v1/blocks/" + id);
        JsonNode audit = viewer.get("/api/v1/audit?subject=192.0.2.130/32").json();
        assertThat(audit.get("total").asLong()).isEqualTo(2);
        JsonNode deleted = audit.get("items").get(0);
        assertThat(deleted.get("action").asString()).isEqualTo("ENTRY_DELETED");
        assertThat(deleted.get("actor").asString()).isEqualTo("it-operator");
        assertThat(deleted.get("before").get("reason").asString()).isEqualTo("audited");
        assertThat(deleted.get("after").isNull()).isTrue();
        JsonNode created = audit.get("items").get(1);
        assertThat(created.get("action").asString()).isEqualTo("ENTRY_CREATED");
        assertThat(created.get("after").get("cidr").asString()).isEqualTo("192.0.2.130/32");
    }

    @Test
    void aPostedBlockReachesTheTopicKeyedByItsCidr() {
        ApiClient.Response created = operator.post("/api/v1/blocks",
                "{\"cidr\":\"198.51.100.7\",\"reason\":\"credential stuffing\",\"duration\":\"24h\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode body = created.json();
        assertThat(body.get("cidr").asString()).isEqualTo("198.51.100.7/32");
        assertThat(body.get("createdBy").asString()).isEqualTo("it-operator");
        assertThat(body.get("status").asString()).isEqualTo("ACTIVE");
        assertThat(created.location()).endsWith("/api/v1/blocks/" + body.get("id").asLong());

        Cidr cidr = Cidr.parse("198.51.100.7/32");
        ConsumerRecord<Cidr, ListEntry> record = awaitRecords(cidr, 1).getFirst();
        assertThat(record.value().action()).isEqualTo(ListAction.BLOCK);
        assertThat(record.value().reason()).isEqualTo("credential stuffing");
        assertThat(record.value().source()).isEqualTo(ListSource.MANUAL);
        assertThat(record.value().createdBy()).isEqualTo("it-operator");
        assertThat(record.value().expiresAt()).isEqualTo(Instant.parse(body.get("expiresAt").asString()));

        assertThat(viewer.get("/api/v1/blocks/" + body.get("id").asLong()).json().get("cidr").asString())
                .isEqualTo("198.51.100.7/32");
    }

    @Test
    void deletingABlockPublishesATombstone() {
        long id = operator.post("/api/v1/blocks", "{\"cidr\":\"2001:db8:1::/48\",\"reason\":\"scanner\"}").json().get("id").asLong();
        Cidr cidr = Cidr.parse("2001:db8:1::/48");
        awaitRecords(cidr, 1);

        ApiClient.Response deleted = operator.delete("/api/v1/blocks/" + id);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        awaitTombstone(cidr);
        assertThat(operator.get("/api/v1/blocks/" + id).status()).isEqualTo(404);
        assertThat(operator.delete("/api/v1/blocks/" + id).status()).isEqualTo(404);
    }

    @Test
    void anExpiringBlockIsTombstonedWhenItExpires() {
        ApiClient.Response created = operator.post("/api/v1/blocks",
                "{\"cidr\":\"192.0.2.55\",\"reason\":\"short\",\"duration\":\"1s\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Cidr cidr = Cidr.parse("192.0.2.55/32");
        Instant expiresAt = Instant.parse(created.json().get("expiresAt").asString());

        List<ConsumerRecord<Cidr, ListEntry>> records = awaitTombstone(cidr);
        assertThat(records.getFirst().value().expiresAt()).isEqualTo(expiresAt);
        assertThat(Instant.ofEpochMilli(records.getLast().timestamp())).as("tombstoned at expiry, not before")
                .isAfterOrEqualTo(expiresAt.minusMillis(5));

        long id = created.json().get("id").asLong();
        assertThat(viewer.get("/api/v1/blocks/" + id).json().get("status").asString()).isEqualTo("EXPIRED");
        assertThat(viewer.get("/api/v1/blocks?status=expired&contains=192.0.2.55").json().get("total").asLong()).isEqualTo(1);
        assertThat(viewer.get("/api/v1/blocks?contains=192.0.2.55").json().get("total").asLong()).isZero();
        // The CIDR is free again.
        assertThat(operator.post("/api/v1/blocks", "{\"cidr\":\"192.0.2.55\",\"reason\":\"again\"}").status()).isEqualTo(201);
    }

    @Test
    void aSecondEntryForTheSameCidrIsAConflictNamingTheFirst() {
        ApiClient.Response first = operator.post("/api/v1/blocks", "{\"cidr\":\"198.51.100.0/24\",\"reason\":\"first\"}");
        ApiClient.Response again = operator.post("/api/v1/blocks", "{\"cidr\":\"198.51.100.99/24\",\"reason\":\"second\"}");
        assertThat(again.status()).as(again.toString()).isEqualTo(409);
        assertThat(again.contentType()).startsWith("application/problem+json");
        assertThat(again.json().get("type").asString()).isEqualTo("urn:iptracking:problem:entry-exists");
        assertThat(again.json().get("existingId").asLong()).isEqualTo(first.json().get("id").asLong());
        ApiClient.Response allow = operator.post("/api/v1/allows", "{\"cidr\":\"198.51.100.0/24\",\"reason\":\"other list\"}");
        assertThat(allow.status()).as("one entry per CIDR across both lists").isEqualTo(409);
    }

    @Test
    void listsFilterByContainedIpSourceAndStatusAndPage() {
        operator.post("/api/v1/allows", "{\"cidr\":\"10.20.0.0/16\",\"reason\":\"office\"}");
        operator.post("/api/v1/allows", "{\"cidr\":\"10.20.30.0/24\",\"reason\":\"lab\"}");
        operator.post("/api/v1/allows", "{\"cidr\":\"10.21.0.1\",\"reason\":\"printer\"}");

        JsonNode containing = viewer.get("/api/v1/allows?contains=10.20.30.40").json();
        assertThat(containing.get("total").asLong()).isEqualTo(2);
        assertThat(containing.get("items").valueStream().map(n -> n.get("cidr").asString()).toList())
                .containsExactlyInAnyOrder("10.20.0.0/16", "10.20.30.0/24");
        assertThat(viewer.get("/api/v1/allows?source=cli").json().get("total").asLong()).isZero();
        JsonNode page = viewer.get("/api/v1/allows?size=2&page=1&status=all").json();
        assertThat(page.get("items").size()).isEqualTo(1);
        assertThat(page.get("total").asLong()).isEqualTo(3);
    }

    @Test
    void reconciliationRepairsATopicThatLostARecordAndKeptAStaleOne() throws Exception {
        Cidr kept = Cidr.parse("203.0.113.64/26");
        operator.post("/api/v1/blocks", "{\"cidr\":\"203.0.113.64/26\",\"reason\":\"kept in the table\"}");
        awaitRecords(kept, 1);
        Cidr stale = Cidr.parse("203.0.113.200/32");
        try (KafkaProducer<Cidr, ListEntry> producer = KAFKA.producer(Topics.BLOCKLIST.keySerde().serializer(),
                Topics.BLOCKLIST.valueSerde().serializer())) {
            // The topic loses the table's record, and holds one the table never had.
            producer.send(new ProducerRecord<>(Topics.BLOCKLIST.name(), kept, null)).get();
            producer.send(new ProducerRecord<>(Topics.BLOCKLIST.name(), stale, new ListEntry(stale, ListAction.BLOCK,
                    "not in the table", ListSource.MANUAL, "someone", Instant.parse("2026-01-01T00:00:00Z"), null))).get();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !topic.state().containsKey(kept) && topic.state().containsKey(stale));

        List<Reconciliation.Repair> repairs = relay.reconcile();

        assertThat(repairs).extracting(Reconciliation.Repair::kind, Reconciliation.Repair::cidr)
                .contains(org.assertj.core.groups.Tuple.tuple(Reconciliation.Kind.MISSING, kept),
                        org.assertj.core.groups.Tuple.tuple(Reconciliation.Kind.EXTRA, stale));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(topic.state()).containsKey(kept).doesNotContainKey(stale);
            assertThat(topic.state().get(kept).reason()).isEqualTo("kept in the table");
        });
        assertThat(relay.reconcile()).as("nothing left to repair").isEmpty();
    }

    /**
     * Waits until the CIDR's last record is a tombstone, and checks that every record before it is
     * the entry (the relay is at-least-once: an entry may be published twice, never after its tombstone).
     */
    private List<ConsumerRecord<Cidr, ListEntry>> awaitTombstone(Cidr cidr) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<ConsumerRecord<Cidr, ListEntry>> records = topic.of(cidr);
            return !records.isEmpty() && records.getLast().value() == null;
        });
        List<ConsumerRecord<Cidr, ListEntry>> records = topic.of(cidr);
        assertThat(records.subList(0, records.size() - 1)).isNotEmpty()
                .allSatisfy(r -> assertThat(r.value()).isEqualTo(records.getFirst().value()));
        return records;
    }

    private List<ConsumerRecord<Cidr, ListEntry>> awaitRecords(Cidr cidr, int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> topic.of(cidr).size() >= count);
        return topic.of(cidr);
    }
}
