package io.iptracking.enrichment;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.Geo;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import io.iptracking.common.kafka.DeadLetterHeaders;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.ManagementEndpoints;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.enrichment.geo.MaxMindGeoLookup;
import io.iptracking.enrichment.stream.EnrichmentCounters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service as operators run it, on a real Kafka broker, with City and ASN databases written by the
 * test. The database swap runs last: it changes what {@link GeoFixtures#LONDON_IP} answers.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnrichmentIT {

    @RegisterExtension
    static final TestKafka KAFKA = TestKafka.exactlyOnce();

    static final Path GEOIP = tempDir("enrichment-it-geoip");
    static final Path CITY = GeoFixtures.writeCity(GEOIP.resolve("GeoIP2-City.mmdb"));
    static final Path ASN = GeoFixtures.writeAsn(GEOIP.resolve("GeoLite2-ASN.mmdb"));
    static final EnrichmentTraffic TRAFFIC = new EnrichmentTraffic(KAFKA);
    static StreamsBuilderFactoryBean running;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        registry.add("enrichment.kafka.state-dir", () -> GEOIP.resolve("streams").toString());
        registry.add("enrichment.geoip.city-database", CITY::toString);
        registry.add("enrichment.geoip.asn-database", ASN::toString);
        registry.add("enrichment.geoip.reload-interval", () -> "100ms");
    }

    /**
     * Stops the stream while the broker still runs: @AfterAll methods run before the broker extension
     * stops it, and a stream closed after its broker is gone waits out its close timeout.
     */
    @AfterAll
    static void stopStream() {
        TRAFFIC.close();
        if (running != null) {
            running.stop();
        }
    }

    @Autowired
    MaxMindGeoLookup geo;

    @Autowired
    EnrichmentCounters counters;

    @Autowired
    StreamsBuilderFactoryBean stream;

    @LocalServerPort
    int port;

    @BeforeEach
    void ready() {
        running = stream;
        await().atMost(EnrichmentTraffic.TIMEOUT).untilAsserted(() -> ManagementEndpoints.assertHealthyWithPrometheus(port));
    }

    @Test
    @Order(1)
    void everyRequestComesOutWithCountryCityAndAsn() {
        Map<UUID, Geo> expected = new HashMap<>();
        for (var entry : Map.of(
                GeoFixtures.LONDON_IP, GeoFixtures.LONDON,
                GeoFixtures.LINKOPING_MAPPED_IP, GeoFixtures.LINKOPING,
                GeoFixtures.AMSTERDAM_IP, GeoFixtures.AMSTERDAM,
                GeoFixtures.UNKNOWN_IP, Geo.UNKNOWN,
                "192.168.1.20", Geo.PRIVATE,
                "fe80::1", Geo.PRIVATE).entrySet()) {
            RequestEvent event = TRAFFIC.send(entry.getKey());
            expected.put(event.eventId(), entry.getValue());
        }
        TRAFFIC.flush();

        var out = TRAFFIC.enriched(expected.size(), r -> expected.containsKey(r.value().request().eventId()));
        assertThat(out).hasSize(expected.size());
        out.forEach((id, record) -> {
            assertThat(record.value().geo()).as("geo of %s", record.key()).isEqualTo(expected.get(id));
            assertThat(record.key()).isEqualTo(ClientNetwork.keyOf(record.value().request().ip()));
        });
        assertThat(out.values()).anySatisfy(r -> assertThat(r.key()).hasToString(GeoFixtures.LINKOPING_IP));
    }

    @Test
    @Order(2)
    void aPoisonRecordGoesToTheDeadLetterTopicAndTheNextRecordIsEnriched() throws Exception {
        byte[] poison = "{\"schemaVersion\":1,\"eventId\":".getBytes(UTF_8);
        long deadBefore = counters.deadLetteredCount();
        try (KafkaProducer<byte[], byte[]> raw = KAFKA.producer(new ByteArraySerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.REQUESTS.name(), GeoFixtures.LINKOPING_IP.getBytes(UTF_8), poison)).get();
        }
        RequestEvent next = TRAFFIC.send(GeoFixtures.LINKOPING_IP);
        TRAFFIC.flush();

        ConsumerRecord<byte[], byte[]> dead = TRAFFIC.first(Topics.REQUESTS_DLQ.name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer(), r -> Arrays.equals(r.value(), poison));
        assertThat(new String(dead.key(), UTF_8)).isEqualTo(GeoFixtures.LINKOPING_IP);
        assertThat(header(dead, DeadLetterHeaders.EXCEPTION)).isEqualTo("org.apache.kafka.common.errors.SerializationException");
        assertThat(header(dead, DeadLetterHeaders.MESSAGE)).startsWith("cannot deserialize RequestEvent from topic ip.requests.v1");
        assertThat(header(dead, DeadLetterHeaders.TOPIC)).isEqualTo(Topics.REQUESTS.name());
        assertThat(header(dead, DeadLetterHeaders.OFFSET)).matches("\\d+");

        assertThat(TRAFFIC.enriched(next).geo()).isEqualTo(GeoFixtures.LINKOPING);
        assertThat(counters.deadLetteredCount()).isEqualTo(deadBefore + 1);
    }

    @Test
    @Order(3)
    void healthAndMetricsSayWhichDatabasesAreLoadedAndHowOldTheyAre() {
        String readiness = ManagementEndpoints.get(port, "/actuator/health/readiness").body();
        assertThat(readiness).contains("\"geoip\"").contains("\"degraded\":false").contains("\"type\":\"GeoIP2-City\"")
                .contains("\"buildTime\":\"2026-01-06T00:00:00Z\"").contains("\"stream\"").contains("\"state\":\"RUNNING\"");
        String metrics = ManagementEndpoints.get(port, "/actuator/prometheus").body();
        assertThat(metrics)
                .contains("ipt_enrichment_events_total{application=\"enrichment-service\",outcome=\"enriched\"}")
                .contains("ipt_enrichment_events_total{application=\"enrichment-service\",outcome=\"dead_letter\"}")
                .contains("ipt_enrichment_geo_lookups_total{application=\"enrichment-service\",source=\"cache\"}")
                .contains("ipt_enrichment_geo_lookups_total{application=\"enrichment-service\",source=\"database\"}")
                .contains("ipt_enrichment_geo_lookups_total{application=\"enrichment-service\",source=\"non_routable\"}")
                .contains("ipt_enrichment_geo_cache_hit_ratio{application=\"enrichment-service\"}")
                .contains("ipt_enrichment_geo_reloads_total{application=\"enrichment-service\",result=\"failure\"}")
                .contains("ipt_enrichment_geo_errors_total{application=\"enrichment-service\"}")
                .contains("ipt_enrichment_geo_degraded{application=\"enrichment-service\"} 0.0")
                .contains("ipt_enrichment_geo_database_build_seconds{application=\"enrichment-service\",database=\"city\"} 1.7676576E9")
                .contains("ipt_enrichment_geo_database_age_seconds{application=\"enrichment-service\",database=\"asn\"}")
                // Kafka Streams' own metrics, e.g. how far behind the input the stream is.
                .contains("kafka_consumer_fetch_manager_records_lag_max");
    }

    /** geoipupdate replaces the City file while requests flow: none fails or is lost, later ones get the new data. */
    @Test
    @Order(4)
    void aDatabaseSwappedWhileEventsFlowLosesNothingAndAnswersFromTheNewFile() {
        long deadBefore = counters.deadLetteredCount();
        List<UUID> sent = new ArrayList<>();
        sendBatch(sent, 200);
        GeoFixtures.writeUpdatedCity(CITY);
        // Requests keep flowing while the watcher notices the new file; each flush paces the next batch.
        while (geo.reloads() == 0 && sent.size() < 3_000) {
            sendBatch(sent, 10);
        }
        assertThat(geo.reloads()).as("the new file was swapped in").isEqualTo(1);
        int atSwap = sent.size();
        sendBatch(sent, 200);

        Set<UUID> ids = Set.copyOf(sent);
        Map<UUID, ConsumerRecord<ClientIp, EnrichedRequestEvent>> out = TRAFFIC.enriched(ids.size(),
                r -> ids.contains(r.value().request().eventId()));
        assertThat(out.keySet()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(out.values()).allSatisfy(r -> assertThat(r.value().geo()).isIn(
                GeoFixtures.LONDON, GeoFixtures.MANCHESTER, GeoFixtures.AMSTERDAM));
        List<Geo> londonAfterSwap = sent.subList(atSwap, sent.size()).stream().map(out::get)
                .filter(r -> r.key().toString().equals(GeoFixtures.LONDON_IP)).map(r -> r.value().geo()).toList();
        assertThat(londonAfterSwap).hasSize(100).containsOnly(GeoFixtures.MANCHESTER);
        assertThat(geo.errors()).isZero();
        assertThat(geo.failedReloads()).isZero();
        assertThat(counters.deadLetteredCount()).isEqualTo(deadBefore);
        assertThat(ManagementEndpoints.get(port, "/actuator/health/readiness").body())
                .contains("\"buildTime\":\"" + GeoFixtures.SECOND_BUILD + "\"");
    }

    /** Sends London and Amsterdam requests in turn and waits until Kafka has them all. */
    static void sendBatch(List<UUID> sent, int count) {
        for (int i = 0; i < count; i++) {
            sent.add(TRAFFIC.send(i % 2 == 0 ? GeoFixtures.LONDON_IP : GeoFixtures.AMSTERDAM_IP).eventId());
        }
        TRAFFIC.flush();
    }

    static String header(ConsumerRecord<?, ?> record, String name) {
        var h = record.headers().lastHeader(name);
        assertThat(h).as("header %s", name).isNotNull();
        return new String(h.value(), UTF_8);
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
