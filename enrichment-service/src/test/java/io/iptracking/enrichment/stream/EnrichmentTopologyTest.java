package io.iptracking.enrichment.stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.event.Decision;
import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.Geo;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import io.iptracking.common.kafka.DeadLetterHeaders;
import io.iptracking.common.kafka.Topics;
import io.iptracking.enrichment.GeoFixtures;
import io.iptracking.enrichment.geo.GeoLookup;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import io.iptracking.streams.DeadLetters;
import io.iptracking.streams.StreamsSetup;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The topology alone, over a geo lookup that answers from a map. */
class EnrichmentTopologyTest {

    static final Instant T0 = Instant.parse("2026-02-01T10:00:00Z");
    static final Map<ClientIp, Geo> PLACES = Map.of(
            ClientIp.parse(GeoFixtures.LONDON_IP), GeoFixtures.LONDON,
            ClientIp.parse(GeoFixtures.LINKOPING_IP), GeoFixtures.LINKOPING,
            ClientIp.parse(GeoFixtures.AMSTERDAM_IP), GeoFixtures.AMSTERDAM);
    static final GeoLookup GEO = ip -> PLACES.getOrDefault(ip, Geo.UNKNOWN);

    final DeadLetters deadLettering = new DeadLetters();
    final EnrichmentCounters counters = new EnrichmentCounters(deadLettering);
    TopologyTestDriver driver;
    TestInputTopic<ClientIp, RequestEvent> requests;
    TestInputTopic<byte[], byte[]> rawRequests;
    TestOutputTopic<ClientIp, EnrichedRequestEvent> enriched;
    TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void driver() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "enrichment-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // The production application's dead-letter handling: Streams' handlers, writing to the dead-letter topic.
        config.putAll(StreamsSetup.deadLetterHandling(deadLettering));
        driver = new TopologyTestDriver(EnrichmentTopology.build(GEO, counters), config);
        requests = driver.createInputTopic(Topics.REQUESTS.name(),
                Topics.REQUESTS.keySerde().serializer(), Topics.REQUESTS.valueSerde().serializer());
        rawRequests = driver.createInputTopic(Topics.REQUESTS.name(), new ByteArraySerializer(), new ByteArraySerializer());
        enriched = driver.createOutputTopic(Topics.ENRICHED_REQUESTS.name(),
                Topics.ENRICHED_REQUESTS.keySerde().deserializer(), Topics.ENRICHED_REQUESTS.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(Topics.REQUESTS_DLQ.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    static RequestEvent request(String ip) {
        return new RequestEvent(UUID.randomUUID(), T0, ClientIp.parse(ip), "GET", "shop.example", "/cart", 200, 3L,
                "test-agent", null, Decision.ALLOWED, null, Mode.PROXY);
    }

    /** As the edge writes it: keyed by the client network. */
    void send(RequestEvent event, Instant timestamp) {
        requests.pipeInput(ClientNetwork.keyOf(event.ip()), event, timestamp);
    }

    @Test
    void everyRequestComesOutOnceWithItsGeoKeyedByItsClientNetworkWithItsTimestamp() {
        RequestEvent london = request(GeoFixtures.LONDON_IP);
        RequestEvent amsterdam = request(GeoFixtures.AMSTERDAM_IP);
        RequestEvent unknown = request(GeoFixtures.UNKNOWN_IP);
        send(london, T0);
        send(amsterdam, T0.plusMillis(1));
        send(unknown, T0.plusMillis(2));

        List<TestRecord<ClientIp, EnrichedRequestEvent>> out = enriched.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsExactly(london.ip(), ClientNetwork.keyOf(amsterdam.ip()),
                unknown.ip());
        assertThat(out.get(1).key()).hasToString("2001:67c:2e8:22::");
        assertThat(out).extracting(TestRecord::value).containsExactly(
                new EnrichedRequestEvent(london, GeoFixtures.LONDON),
                new EnrichedRequestEvent(amsterdam, GeoFixtures.AMSTERDAM),
                new EnrichedRequestEvent(unknown, Geo.UNKNOWN));
        assertThat(out).extracting(TestRecord::getRecordTime).containsExactly(T0, T0.plusMillis(1), T0.plusMillis(2));
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(counters.enrichedCount()).isEqualTo(3);
    }

    @Test
    void anIpv4MappedKeyAndIpAreReadAsIpv4() {
        String json = new String(Topics.REQUESTS.valueSerde().serializer().serialize("t", request(GeoFixtures.LINKOPING_IP)), UTF_8)
                .replace("\"" + GeoFixtures.LINKOPING_IP + "\"", "\"" + GeoFixtures.LINKOPING_MAPPED_IP + "\"");
        assertThat(json).contains(GeoFixtures.LINKOPING_MAPPED_IP);
        rawRequests.pipeInput(GeoFixtures.LINKOPING_MAPPED_IP.getBytes(UTF_8), json.getBytes(UTF_8), T0);

        TestRecord<ClientIp, EnrichedRequestEvent> out = enriched.readRecord();
        assertThat(out.key()).hasToString(GeoFixtures.LINKOPING_IP);
        assertThat(out.value().geo()).isEqualTo(GeoFixtures.LINKOPING);
    }

    @Test
    void aValuePaddedBeyondAnyRequestEventIsDeadLetteredAndBigHeadersAreNotPassedOn() {
        String json = new String(Topics.REQUESTS.valueSerde().serializer().serialize("t", request(GeoFixtures.LONDON_IP)), UTF_8);
        // Readers ignore unknown fields: padding would otherwise be copied into the enriched record.
        byte[] padded = json.replace("{", "{\"pad\":\"" + "x".repeat(RequestEnricher.MAX_REQUEST_BYTES) + "\",").getBytes(UTF_8);
        rawRequests.pipeInput(GeoFixtures.LONDON_IP.getBytes(UTF_8), padded, T0);
        assertThat(deadLetters.readValue()).isEqualTo(padded);
        assertThat(enriched.isEmpty()).isTrue();

        Headers big = new RecordHeaders().add("x-big", new byte[RequestEnricher.MAX_HEADER_BYTES + 1]);
        rawRequests.pipeInput(new TestRecord<>(GeoFixtures.LONDON_IP.getBytes(UTF_8), json.getBytes(UTF_8), big, T0));
        TestRecord<ClientIp, EnrichedRequestEvent> out = enriched.readRecord();
        assertThat(out.headers().toArray()).isEmpty();
        assertThat(counters.deadLetteredCount()).isEqualTo(1);
    }

    @Test
    void aRecordThatIsNotJsonGoesToTheDeadLetterTopicUnchangedAndTheNextIsEnriched() {
        byte[] key = GeoFixtures.LONDON_IP.getBytes(UTF_8);
        byte[] poison = "{not json".getBytes(UTF_8);
        Headers original = new RecordHeaders().add("traceparent", "00-abc-def-01".getBytes(UTF_8));
        rawRequests.pipeInput(new TestRecord<>(key, poison, original, T0));
        RequestEvent next = request(GeoFixtures.LONDON_IP);
        send(next, T0.plusMillis(1));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo(key);
        assertThat(dead.value()).isEqualTo(poison);
        assertThat(dead.getRecordTime()).isEqualTo(T0);
        // A dead letter carries the error headers only: the record's own may be large, or forge them.
        assertThat(dead.headers().lastHeader("traceparent")).isNull();
        assertThat(header(dead, DeadLetterHeaders.EXCEPTION)).isEqualTo("org.apache.kafka.common.errors.SerializationException");
        assertThat(header(dead, DeadLetterHeaders.MESSAGE))
                .startsWith("cannot deserialize RequestEvent from topic ip.requests.v1 (9 bytes): ");
        assertThat(header(dead, DeadLetterHeaders.STACKTRACE)).contains("SerializationException");
        assertThat(header(dead, DeadLetterHeaders.TOPIC)).isEqualTo("ip.requests.v1");
        assertThat(header(dead, DeadLetterHeaders.PARTITION)).isEqualTo("0");
        assertThat(header(dead, DeadLetterHeaders.OFFSET)).isEqualTo("0");
        assertThat(deadLetters.isEmpty()).isTrue();

        assertThat(enriched.readValue()).isEqualTo(new EnrichedRequestEvent(next, GeoFixtures.LONDON));
        assertThat(counters.deadLetteredCount()).isEqualTo(1);
        assertThat(counters.enrichedCount()).isEqualTo(1);
    }

    @Test
    void aValueThatBreaksTheContractIsDeadLettered() {
        // Valid JSON, but a RequestEvent without the required method.
        String json = new String(Topics.REQUESTS.valueSerde().serializer().serialize("t", request(GeoFixtures.LONDON_IP)), UTF_8)
                .replace("\"method\":\"GET\",", "");
        rawRequests.pipeInput(GeoFixtures.LONDON_IP.getBytes(UTF_8), json.getBytes(UTF_8), T0);

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, DeadLetterHeaders.MESSAGE)).startsWith("cannot deserialize RequestEvent from topic ip.requests.v1");
        assertThat(header(dead, DeadLetterHeaders.MESSAGE)).contains("RequestEvent.method");
        assertThat(enriched.isEmpty()).isTrue();
    }

    @Test
    void aKeyThatIsNotAnIpIsDeadLettered() {
        byte[] value = Topics.REQUESTS.valueSerde().serializer().serialize("t", request(GeoFixtures.LONDON_IP));
        rawRequests.pipeInput("not-an-ip".getBytes(UTF_8), value, T0);

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.value()).isEqualTo(value);
        assertThat(header(dead, DeadLetterHeaders.MESSAGE)).startsWith("cannot deserialize ClientIp from topic ip.requests.v1: ");
        assertThat(enriched.isEmpty()).isTrue();
    }

    @Test
    void aRecordWithoutKeyIsDeadLettered() {
        byte[] value = Topics.REQUESTS.valueSerde().serializer().serialize("t", request(GeoFixtures.LONDON_IP));
        rawRequests.pipeInput(null, value, T0);

        assertThat(header(deadLetters.readRecord(), DeadLetterHeaders.MESSAGE))
                .isEqualTo("record from topic ip.requests.v1 has no key; request events are keyed by client IP");
    }

    @Test
    void aTombstoneIsDeadLettered() {
        rawRequests.pipeInput(GeoFixtures.LONDON_IP.getBytes(UTF_8), null, T0);

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.value()).isNull();
        assertThat(header(dead, DeadLetterHeaders.MESSAGE))
                .isEqualTo("record from topic ip.requests.v1 has no value; request topics carry no tombstones");
        assertThat(enriched.isEmpty()).isTrue();
    }

    @Test
    void theEventsIpDecidesWhenTheKeyDiffers() {
        RequestEvent amsterdam = request(GeoFixtures.AMSTERDAM_IP);
        requests.pipeInput(ClientIp.parse(GeoFixtures.LONDON_IP), amsterdam, T0);
        // Keyed by its full IPv6 address, as an edge that keyed by IP wrote it.
        requests.pipeInput(amsterdam.ip(), amsterdam, T0);

        for (TestRecord<ClientIp, EnrichedRequestEvent> out : enriched.readRecordsToList()) {
            assertThat(out.key()).isEqualTo(ClientNetwork.keyOf(amsterdam.ip()));
            assertThat(out.value().geo()).isEqualTo(GeoFixtures.AMSTERDAM);
        }
        assertThat(counters.enrichedCount()).isEqualTo(2);
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        assertThat(h).as("header %s", name).isNotNull();
        return new String(h.value(), UTF_8);
    }
}
