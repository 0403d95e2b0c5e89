package io.iptracking.admin;

import java.util.List;
import java.util.ArrayList;
import io.iptracking.admin.privacy.Pseudonyms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.admin.requestlog.RequestLogPartitions;
import io.iptracking.admin.requestlog.Retention;
import io.iptracking.common.event.Decision;
import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.ErasureRequest;
import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.Geo;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.event.Severity;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.ContractSamples;
import io.iptracking.common.testing.PostgresDatabase;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Flags and requests from their topics into PostgreSQL, and what operators do with them: lookups,
 * reports, retention, erasure, automatic blocks. Real Kafka broker, real PostgreSQL.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class FlagsAndRequestLogIT {

    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    static final PostgresDatabase DB = TestPostgres.newDatabase();

    static KafkaProducer<ClientIp, FlaggedIp> flagProducer;
    static KafkaProducer<ClientIp, EnrichedRequestEvent> requestProducer;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        AdminTestProperties.register(registry, DB, KAFKA);
        registry.add("admin.auto-block.enabled", () -> "true");
        registry.add("admin.auto-block.rules", () -> "SCANNING,AUTH_FAILURES");
        registry.add("admin.auto-block.min-severity", () -> "HIGH");
        registry.add("admin.auto-block.duration", () -> "1h");
    }

    @AfterAll
    static void closeProducers() {
        if (flagProducer != null) {
            flagProducer.close();
            requestProducer.close();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Retention retention;

    ApiClient operator;
    ApiClient viewer;

    @BeforeEach
    void clients() {
        operator = new ApiClient(port, ApiClient.OPERATOR_KEY);
        viewer = new ApiClient(port, ApiClient.VIEWER_KEY);
        if (flagProducer == null) {
            flagProducer = KAFKA.producer(Topics.FLAGGED.keySerde().serializer(), Topics.FLAGGED.valueSerde().serializer());
            requestProducer = KAFKA.producer(Topics.ENRICHED_REQUESTS.keySerde().serializer(),
                    Topics.ENRICHED_REQUESTS.valueSerde().serializer());
        }
    }

    @Test
    void flagsAreStoredOnceEachAndListedWithFilters() throws Exception {
        FlaggedIp flag = flag("192.0.2.81", FlagRule.HIGH_VOLUME, Severity.MEDIUM, Instant.now());
        send(flag);
        send(flag); // redelivered
        FlaggedIp later = flag("192.0.2.81", FlagRule.SENSITIVE_PATH, Severity.HIGH, Instant.now());
        send(later);

        await().atMost(Duration.ofSeconds(20)).until(() -> viewer.get("/api/v1/flagged?ip=192.0.2.81").json().get("total").asLong() >= 2);
        JsonNode all = viewer.get("/api/v1/flagged?ip=192.0.2.81").json();
        assertThat(all.get("total").asLong()).as("the duplicate is stored once").isEqualTo(2);
        assertThat(all.get("items").get(0).get("evidence").get("counts").get("requests").asLong()).isEqualTo(540);
        JsonNode high = viewer.get("/api/v1/flagged?ip=192.0.2.81&minSeverity=high").json();
        assertThat(high.get("total").asLong()).isEqualTo(1);
        assertThat(high.get("items").get(0).get("flagId").asString()).isEqualTo(later.flagId().toString());
        assertThat(viewer.get("/api/v1/flagged?ip=192.0.2.81&rule=high_volume").json().get("total").asLong()).isEqualTo(1);
    }

    @Test
    void aFlagOfAChosenRuleAndSeverityBecomesATemporaryBlockUnlessAllowlisted() throws Exception {
        assertThat(operator.post("/api/v1/allows", "{\"cidr\":\"192.0.2.96/28\",\"reason\":\"partner\"}").status()).isEqualTo(201);
        send(flag("192.0.2.90", FlagRule.SCANNING, Severity.HIGH, Instant.now()));
        send(flag("192.0.2.91", FlagRule.SCANNING, Severity.LOW, Instant.now()));
        send(flag("192.0.2.92", FlagRule.HIGH_VOLUME, Severity.CRITICAL, Instant.now()));
        send(flag("192.0.2.97", FlagRule.SCANNING, Severity.CRITICAL, Instant.now()));

        await().atMost(Duration.ofSeconds(20)).until(() -> viewer.get("/api/v1/blocks?contains=192.0.2.90").json().get("total").asLong() == 1);
        JsonNode block = viewer.get("/api/v1/blocks?contains=192.0.2.90").json().get("items").get(0);
        assertThat(block.get("cidr").asString()).isEqualTo("192.0.2.90/32");
        assertThat(block.get("source").asString()).isEqualTo("AUTO");
        assertThat(block.get("reason").asString()).startsWith("auto-block of 192.0.2.90/32 after SCANNING flag ");
        assertThat(Duration.between(Instant.parse(block.get("createdAt").asString()), Instant.parse(block.get("expiresAt").asString())))
                .isEqualTo(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(20)).until(() -> viewer.get("/api/v1/flagged?ip=192.0.2.97").json().get("total").asLong() == 1);
        assertThat(viewer.get("/api/v1/blocks?contains=192.0.2.91").json().get("total").asLong()).as("too low").isZero();
        assertThat(viewer.get("/api/v1/blocks?contains=192.0.2.92").json().get("total").asLong()).as("other rule").isZero();
        assertThat(viewer.get("/api/v1/blocks?contains=192.0.2.97").json().get("total").asLong()).as("allowlisted").isZero();
    }

    @Test
    void aFlagThatNamesANetworkBlocksThatNetworkAndOneWithoutBlocksItsAddress() throws Exception {
        FlaggedIp network = flag("2001:db8:7:7::1b", FlagRule.SCANNING, Severity.HIGH, Instant.now(), "2001:db8:7:7::/64");
        FlaggedIp single = flag("2001:db8:7:8::1b", FlagRule.SCANNING, Severity.HIGH, Instant.now());
        send(network);
        send(single);

        // Another address of the /64 than the flagged one: the block covers the network.
        await().atMost(Duration.ofSeconds(20)).until(() -> viewer.get("/api/v1/blocks?contains=2001:db8:7:7::ffff").json()
                .get("total").asLong() == 1 && viewer.get("/api/v1/blocks?contains=2001:db8:7:8::1b").json().get("total").asLong() == 1);
        JsonNode networkBlock = viewer.get("/api/v1/blocks?contains=2001:db8:7:7::ffff").json().get("items").get(0);
        assertThat(networkBlock.get("cidr").asString()).isEqualTo("2001:db8:7:7::/64");
        assertThat(networkBlock.get("source").asString()).isEqualTo("AUTO");
        assertThat(networkBlock.get("reason").asString())
                .startsWith("auto-block of 2001:db8:7:7::/64 after SCANNING flag " + network.flagId() + " (HIGH): ");
        JsonNode audit = viewer.get("/api/v1/audit?subject=2001:db8:7:7::/64").json().get("items").get(0);
        assertThat(audit.get("action").asString()).isEqualTo("ENTRY_CREATED");
        assertThat(audit.get("actor").asString()).isEqualTo("auto-block");

        JsonNode singleBlock = viewer.get("/api/v1/blocks?contains=2001:db8:7:8::1b").json().get("items").get(0);
        assertThat(singleBlock.get("cidr").asString()).isEqualTo("2001:db8:7:8::1b/128");
        assertThat(viewer.get("/api/v1/blocks?contains=2001:db8:7:8::1c").json().get("total").asLong()).as("a neighbour").isZero();

        assertThat(viewer.get("/api/v1/flagged?ip=2001:db8:7:7::1b").json().get("items").get(0).get("network").asString())
                .isEqualTo("2001:db8:7:7::/64");
        assertThat(viewer.get("/api/v1/flagged?ip=2001:db8:7:8::1b").json().get("items").get(0).get("network").isNull()).isTrue();
    }

    @Test
    void requestLogRowsHoldTruncatedIpsAndFeedHourlyAggregatesOnce() throws Exception {
        Instant at = Instant.now().minus(2, ChronoUnit.HOURS);
        EnrichedRequestEvent v4 = request("198.51.100.23", "/shop", Decision.ALLOWED, at, "SE");
        send(v4);
        send(v4); // redelivered: neither logged nor counted twice
        send(request("2001:db8:abcd:12::1", "/wp-login.php", Decision.RATE_LIMITED, at, "SE"));

        await().atMost(Duration.ofSeconds(20)).until(() -> count("select count(*) from request_log where country_code = 'SE'") == 2);
        assertThat(jdbc.sql("select client::text from request_log where country_code = 'SE' order by client").query(String.class).list())
                .containsExactly("198.51.100.0/24", "2001:db8:abcd::/48");
        assertThat(count("select count(*) from request_log where host(client) in ('198.51.100.23', '2001:db8:abcd:12::1')")).isZero();
        assertThat(count("select coalesce(sum(requests), 0) from request_hourly where country_code = 'SE'")).isEqualTo(2);
        assertThat(count("select count(*) from request_log where country_code = 'SE' and sensitive")).as("/wp-login.php").isEqualTo(1);

        String range = "?from=" + at.minus(1, ChronoUnit.MINUTES) + "&to=" + at.plus(1, ChronoUnit.MINUTES);
        JsonNode summary = viewer.get("/api/v1/reports/summary" + range).json();
        assertThat(summary.get("requests").asLong()).isEqualTo(2);
        assertThat(summary.get("uniqueClients").asLong()).isEqualTo(2);
        assertThat(summary.get("rateLimited").asLong()).isEqualTo(1);
        assertThat(viewer.get("/api/v1/reports/top-clients" + range).json().valueStream().map(n -> n.get("client").asString()).toList())
                .containsExactlyInAnyOrder("198.51.100.0/24", "2001:db8:abcd::/48");
        assertThat(viewer.get("/api/v1/reports/sensitive-paths" + range).json().get(0).get("path").asString()).isEqualTo("/wp-login.php");
        JsonNode countries = viewer.get("/api/v1/reports/top-countries" + range).json();
        assertThat(countries.get(0).get("countryCode").asString()).isEqualTo("SE");
        assertThat(countries.get(0).get("requests").asLong()).isEqualTo(2);
        JsonNode traffic = viewer.get("/api/v1/reports/traffic" + range).json();
        assertThat(traffic.get(0).get("hour").asString()).isEqualTo(at.truncatedTo(ChronoUnit.HOURS).toString());
    }

    @Test
    void anIpLookupSaysWhatDecidesAndWhatIsKnown() throws Exception {
        operator.post("/api/v1/blocks", "{\"cidr\":\"203.0.113.0/24\",\"reason\":\"abusive network\"}");
        operator.post("/api/v1/allows", "{\"cidr\":\"203.0.113.9\",\"reason\":\"monitoring probe\"}");
        send(request("203.0.113.10", "/", Decision.BLOCKED, Instant.now(), "FR"));
        await().atMost(Duration.ofSeconds(20)).until(() -> count("select count(*) from request_log where country_code = 'FR'") == 1);

        JsonNode allowed = viewer.get("/api/v1/ips/203.0.113.9").json();
        assertThat(allowed.get("status").asString()).isEqualTo("ALLOWED");
        assertThat(allowed.get("decidingEntry").get("cidr").asString()).isEqualTo("203.0.113.9/32");
        assertThat(allowed.get("entries").size()).isEqualTo(2);
        JsonNode blocked = viewer.get("/api/v1/ips/203.0.113.10").json();
        assertThat(blocked.get("status").asString()).isEqualTo("BLOCKED");
        assertThat(blocked.get("decidingEntry").get("reason").asString()).isEqualTo("abusive network");
        assertThat(blocked.get("activity").get("client").asString()).isEqualTo("203.0.113.0/24");
        assertThat(blocked.get("activity").get("byDecision").get("BLOCKED").asLong()).isEqualTo(1);
        assertThat(viewer.get("/api/v1/ips/198.18.0.1").json().get("status").asString()).isEqualTo("NONE");
    }

    @Test
    void retentionDropsOldDayPartitionsAndOldRowsAndKeepsRecentOnes() throws Exception {
        Instant now = Instant.now();
        Instant old = now.minus(40, ChronoUnit.DAYS);
        new RequestLogPartitions(jdbc).ensure(LocalDate.ofInstant(old, ZoneOffset.UTC), LocalDate.ofInstant(old, ZoneOffset.UTC));
        String oldPartition = "request_log_p" + LocalDate.ofInstant(old, ZoneOffset.UTC).toString().replace("-", "");
        send(request("192.0.2.1", "/", Decision.ALLOWED, old, "JP"));
        send(request("192.0.2.2", "/", Decision.ALLOWED, now.minus(35, ChronoUnit.DAYS), "JP")); // default partition
        send(request("192.0.2.3", "/", Decision.ALLOWED, now.minus(1, ChronoUnit.DAYS), "JP"));
        send(flag("192.0.2.4", FlagRule.ANOMALY, Severity.LOW, now.minus(100, ChronoUnit.DAYS)));
        send(flag("192.0.2.5", FlagRule.ANOMALY, Severity.LOW, now.minus(10, ChronoUnit.DAYS)));
        await().atMost(Duration.ofSeconds(20)).until(() -> count("select count(*) from request_log where country_code = 'JP'") == 3
                && count("select count(*) from flagged_ip where rule = 'ANOMALY'") == 2);
        assertThat(count("select count(*) from request_log_days." + oldPartition)).isEqualTo(1);

        Retention.Outcome outcome = retention.run();

        assertThat(outcome.droppedPartitions()).contains(oldPartition);
        assertThat(jdbc.sql("select host(client) from request_log where country_code = 'JP'").query(String.class).list())
                .containsExactly("192.0.2.0");
        assertThat(jdbc.sql("select host(ip) from flagged_ip where rule = 'ANOMALY'").query(String.class).list())
                .containsExactly("192.0.2.5");
        assertThat(count("select count(*) from pg_class where relname = '" + oldPartition + "'")).isZero();
    }

    @Test
    void erasureRemovesTheFlagsOfAnIpAndOnRequestTheRowsOfItsPrefix() throws Exception {
        send(flag("198.51.100.200", FlagRule.AUTH_FAILURES, Severity.MEDIUM, Instant.now()));
        send(flag("198.51.100.200", FlagRule.HIGH_VOLUME, Severity.LOW, Instant.now()));
        send(flag("198.51.100.201", FlagRule.HIGH_VOLUME, Severity.LOW, Instant.now()));
        send(request("198.51.100.200", "/login", Decision.ALLOWED, Instant.now(), "CA"));
        await().atMost(Duration.ofSeconds(20)).until(() -> count("select count(*) from request_log where country_code = 'CA'") == 1
                && count("select count(*) from flagged_ip where host(ip) like '198.51.100.20_'") == 3);

        assertThat(viewer.delete("/api/v1/ips/198.51.100.200/data").status()).as("viewers may not erase").isEqualTo(403);
        JsonNode erased = operator.delete("/api/v1/ips/198.51.100.200/data").json();
        assertThat(erased.get("removed").get("flags").asLong()).isEqualTo(2);
        assertThat(erased.get("removed").get("requestLog").asLong()).as("the log holds the /24, not the IP").isZero();
        assertThat(erased.get("kept").get("requestLogPrefixRows").asLong()).isEqualTo(1);
        assertThat(viewer.get("/api/v1/flagged?ip=198.51.100.200").json().get("total").asLong()).isZero();
        assertThat(viewer.get("/api/v1/flagged?ip=198.51.100.201").json().get("total").asLong()).as("a neighbour's flag stays").isEqualTo(1);

        JsonNode withPrefix = operator.delete("/api/v1/ips/198.51.100.200/data?includePrefix=true").json();
        assertThat(withPrefix.get("removed").get("requestLog").asLong()).isEqualTo(1);
        assertThat(count("select count(*) from request_log where country_code = 'CA'")).isZero();
        String pseudonym = withPrefix.get("pseudonym").asString();
        assertThat(pseudonym).matches("erased-[0-9a-f]{12}").isEqualTo(erased.get("pseudonym").asString());
        assertThat(viewer.get("/api/v1/audit?subject=198.51.100.200").json().get("total").asLong()).isZero();
        JsonNode audit = viewer.get("/api/v1/audit?subject=" + pseudonym).json();
        assertThat(audit.get("total").asLong()).isEqualTo(2);
        assertThat(audit.get("items").get(0).get("action").asString()).isEqualTo("DATA_ERASED");
        assertThat(audit.get("items").get(0).get("actor").asString()).isEqualTo("it-operator");
    }

    @Test
    void afterAnErasureNoTableNamesTheIpAndTheReportListsEveryStore() throws Exception {
        String ip = "198.51.100.77";
        // Everything that can name an IP: a flag, the audit log of a block that expired (the list's
        // history), another entry whose reason quotes the IP (an operator's, an auto-block's), a
        // neighbour whose text merely starts the same way.
        send(flag(ip, FlagRule.HIGH_VOLUME, Severity.LOW, Instant.now()));
        String id = operator.post("/api/v1/blocks", "{\"cidr\":\"" + ip + "\",\"reason\":\"scanner\",\"duration\":\"1h\"}")
                .json().get("id").asString();
        jdbc.sql("update list_entry set expired = true where id = " + Long.parseLong(id)).update();
        operator.post("/api/v1/blocks", "{\"cidr\":\"198.18.77.0/24\",\"reason\":\"same operator as " + ip + " and " + ip
                + "0\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> count("select count(*) from flagged_ip where host(ip) = '" + ip + "'") == 1);
        assertThat(rowsNaming(ip)).as("before").isNotEmpty();

        JsonNode erased = operator.delete("/api/v1/ips/" + ip + "/data").json();

        assertThat(rowsNaming(ip)).as("rows that still name " + ip).isEmpty();
        String pseudonym = erased.get("pseudonym").asString();
        assertThat(jdbc.sql("select reason from list_entry where cidr = '198.18.77.0/24'").query(String.class).single())
                .isEqualTo("same operator as " + pseudonym + " and " + ip + "0");
        assertThat(erased.get("removed").get("flags").asLong()).isEqualTo(1);
        assertThat(erased.get("removed").get("listHistory").asLong()).isEqualTo(1);
        assertThat(erased.get("pseudonymized").get("listReasons").asLong()).isEqualTo(1);
        assertThat(erased.get("pseudonymized").get("auditLog").asLong()).as("the two creations").isEqualTo(2);
        assertThat(erased.get("kept").propertyNames()).contains("listEntries", "kafka:ip.requests.v1",
                "kafka:ip.requests.enriched.v1", "kafka:ip.flagged.v1", "kafka:ip.blocklist.v1", "kafka:ip.erasures.v1");
        // Detection is asked to delete the window, keyed as the requests are, so it reaches the task holding it.
        JsonNode sent = erased.get("sent").get("detectionState");
        List<ConsumerRecord<ClientIp, ErasureRequest>> requests = KAFKA.readAll(Topics.ERASURES.name(),
                IsolationLevel.READ_COMMITTED, Duration.ofSeconds(20), Topics.ERASURES.keySerde().deserializer(),
                Topics.ERASURES.valueSerde().deserializer());
        assertThat(requests).filteredOn(r -> r.value().ip().equals(ClientIp.parse(ip))).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(ClientNetwork.keyOf(ClientIp.parse(ip)));
            assertThat(r.partition()).isEqualTo(sent.get("partition").asInt());
            assertThat(r.offset()).isEqualTo(sent.get("offset").asLong());
            assertThat(r.value().requestedAt()).isEqualTo(Instant.parse(erased.get("at").asString()));
        });
        assertThat(erased.get("kept").get("kafka:ip.requests.v1").asString()).startsWith("until 20");
        assertThat(erased.get("notes").propertyNames()).contains("detectionState", "kafka");
    }

    /** Every row of every table whose text names the IP (as a whole address, its /32 included). */
    private List<String> rowsNaming(String ip) {
        List<String> tables = jdbc.sql("select table_name from information_schema.tables where table_schema = current_schema() "
                + "and table_type = 'BASE TABLE'").query(String.class).list();
        String pattern = Pseudonyms.textPattern(ClientIp.parse(ip));
        List<String> rows = new ArrayList<>();
        for (String table : tables) {
            jdbc.sql("select r::text from " + table + " r where r::text ~* :p").param("p", pattern).query(String.class).list()
                    .forEach(row -> rows.add(table + ": " + row));
        }
        return rows;
    }

    @Test
    void theIpPatternFindsTheAddressAndNotItsNeighbours() {
        String v4 = Pseudonyms.textPattern(ClientIp.parse("192.0.2.1"));
        String v6 = Pseudonyms.textPattern(ClientIp.parse("2001:db8::1"));
        for (String text : List.of("192.0.2.1", "at 192.0.2.1.", "192.0.2.1/32", "{\"cidr\":\"192.0.2.1/32\"}", "(192.0.2.1, x)",
                "::ffff:192.0.2.1", "ip:192.0.2.1", "192.0.2.1:443")) {
            assertThat(matches(text, v4)).as(text).isTrue();
        }
        for (String text : List.of("192.0.2.10", "192.0.2.1.5", "10.192.0.2.1", "192.0.2.100/32", "192x0x2x1", "192.0.2.1/24")) {
            assertThat(matches(text, v4)).as(text).isFalse();
        }
        assertThat(matches("from 2001:db8::1 and", v6)).isTrue();
        assertThat(matches("2001:db8::1/128", v6)).isTrue();
        assertThat(matches("2001:DB8::1", v6)).as("upper case").isTrue();
        assertThat(matches("2001:db8::1/64", v6)).as("a range").isFalse();
        assertThat(matches("2001:db8::10", v6)).isFalse();
        assertThat(matches("2001:db8::1:5", v6)).isFalse();
    }

    private boolean matches(String text, String pattern) {
        return jdbc.sql("select :t ~* :p").param("t", text).param("p", pattern).query(Boolean.class).single();
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private static void send(FlaggedIp flag) throws Exception {
        flagProducer.send(new ProducerRecord<>(Topics.FLAGGED.name(), flag.ip(), flag)).get();
    }

    private static void send(EnrichedRequestEvent event) throws Exception {
        requestProducer.send(new ProducerRecord<>(Topics.ENRICHED_REQUESTS.name(), event.request().ip(), event)).get();
    }

    private static FlaggedIp flag(String ip, FlagRule rule, Severity severity, Instant detectedAt) {
        return flag(ip, rule, severity, detectedAt, null);
    }

    /** @param network the network the rule counted; null for the single address */
    private static FlaggedIp flag(String ip, FlagRule rule, Severity severity, Instant detectedAt, String network) {
        FlaggedIp sample = ContractSamples.flaggedIp();
        return new FlaggedIp(UUID.randomUUID(), ClientIp.parse(ip), rule, ip + " did something " + rule, severity, 0.9,
                detectedAt.minus(1, ChronoUnit.HOURS), detectedAt, 540, sample.evidence(), Geo.UNKNOWN, detectedAt,
                network == null ? null : Cidr.parse(network));
    }

    private static EnrichedRequestEvent request(String ip, String path, Decision decision, Instant at, String country) {
        return new EnrichedRequestEvent(new RequestEvent(UUID.randomUUID(), at, ClientIp.parse(ip), "GET", "shop.example", path, 200,
                2L, "it-agent", null, decision, null, Mode.PROXY),
                new Geo(country, null, null, null, null, 64496L, null, false));
    }

}
