package io.iptracking.enrichment.stream;

import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.Geo;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.kafka.Topics;
import io.iptracking.enrichment.GeoFixtures;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EnrichedEventWriterTest {

    static final String TOPIC = Topics.ENRICHED_REQUESTS.name();
    static final Serializer<RequestEvent> REQUESTS = Topics.REQUESTS.valueSerde().serializer();
    static final Deserializer<RequestEvent> READ_REQUEST = Topics.REQUESTS.valueSerde().deserializer();
    static final Serializer<EnrichedRequestEvent> ENRICHED = Topics.ENRICHED_REQUESTS.valueSerde().serializer();
    static final Deserializer<EnrichedRequestEvent> READ_ENRICHED = Topics.ENRICHED_REQUESTS.valueSerde().deserializer();

    final EnrichedEventWriter writer = new EnrichedEventWriter();

    @Test
    void aRequestAsTheEdgeWritesItGivesTheBytesTheSerializerWrites() {
        RequestEvent request = EnrichmentTopologyTest.request(GeoFixtures.LONDON_IP);
        byte[] requestJson = REQUESTS.serialize(TOPIC, request);
        // Twice each: the second time from the geo JSON kept.
        for (Geo geo : List.of(GeoFixtures.LONDON, GeoFixtures.LINKOPING, Geo.UNKNOWN, Geo.PRIVATE, GeoFixtures.LONDON,
                GeoFixtures.LINKOPING, Geo.UNKNOWN, Geo.PRIVATE)) {
            byte[] written = write(requestJson, request, geo);
            assertThat(new String(written, UTF_8)).isEqualTo(new String(ENRICHED.serialize(TOPIC, new EnrichedRequestEvent(request, geo)), UTF_8));
        }
    }

    @Test
    void fieldsTheEdgeAddedAreKeptInTheNestedRequest() {
        RequestEvent request = EnrichmentTopologyTest.request(GeoFixtures.LONDON_IP);
        String json = new String(REQUESTS.serialize(TOPIC, request), UTF_8).replace("{\"schemaVersion\":1,",
                "{\"schemaVersion\":1,\"tlsVersion\":\"TLSv1.3\",\"labels\":{\"a\":[1,2]},");
        RequestEvent read = READ_REQUEST.deserialize(TOPIC, json.getBytes(UTF_8));

        byte[] written = write(json.getBytes(UTF_8), read, GeoFixtures.LONDON);

        assertThat(READ_ENRICHED.deserialize(TOPIC, written)).isEqualTo(new EnrichedRequestEvent(request, GeoFixtures.LONDON));
        JsonNode tree = JsonMapper.shared().readTree(written);
        assertThat(tree.get("request").get("tlsVersion").asString()).isEqualTo("TLSv1.3");
        assertThat(tree.get("request").get("labels").toString()).isEqualTo("{\"a\":[1,2]}");
    }

    @Test
    void theGeoJsonKeptIsBoundedAndEveryAnswerStaysRight() {
        RequestEvent request = EnrichmentTopologyTest.request(GeoFixtures.LONDON_IP);
        byte[] requestJson = REQUESTS.serialize(TOPIC, request);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < EnrichedEventWriter.GEO_JSON_ENTRIES + 100; i++) {
                Geo geo = new Geo("GB", "United Kingdom", "Town " + i, 51.0, -0.1, (long) i, "AS " + i, false);
                assertThat(READ_ENRICHED.deserialize(TOPIC, write(requestJson, request, geo)).geo()).isEqualTo(geo);
                assertThat(writer.geoJsonKept()).isLessThanOrEqualTo(EnrichedEventWriter.GEO_JSON_ENTRIES);
            }
        }
        assertThat(writer.geoJsonKept()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bom", "utf-16", "non-ascii", "invalid-utf-8", "deep", "large"})
    void aRequestThatCouldNotBeNestedSafelyIsWrittenAgain(String variant) {
        RequestEvent request = EnrichmentTopologyTest.request(GeoFixtures.AMSTERDAM_IP);
        String json = new String(REQUESTS.serialize(TOPIC, request), UTF_8);
        String withField = json.replace("{\"schemaVersion\":1,", "{\"schemaVersion\":1,\"extra\":%s,");
        byte[] requestJson = switch (variant) {
            case "bom" -> ("\uFEFF" + json).getBytes(UTF_8);
            case "utf-16" -> json.getBytes(UTF_16LE);
            case "non-ascii" -> withField.formatted("\"caf\u00e9\"").getBytes(UTF_8);
            // An overlong (invalid) UTF-8 encoding of '/', in a field readers only skip.
            case "invalid-utf-8" -> concat(withField.substring(0, withField.indexOf("%s")).getBytes(UTF_8),
                    new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"'},
                    withField.substring(withField.indexOf("%s") + 2).getBytes(UTF_8));
            case "deep" -> withField.formatted("[".repeat(EnrichedEventWriter.MAX_OPENINGS) + "]".repeat(EnrichedEventWriter.MAX_OPENINGS))
                    .getBytes(UTF_8);
            case "large" -> withField.formatted("\"" + "x".repeat(EnrichedEventWriter.MAX_COPIED_BYTES) + "\"").getBytes(UTF_8);
            default -> throw new IllegalArgumentException(variant);
        };
        RequestEvent read = READ_REQUEST.deserialize(TOPIC, requestJson);
        assertThat(read).isEqualTo(request);

        byte[] written = write(requestJson, read, GeoFixtures.AMSTERDAM);

        assertThat(written).isEqualTo(ENRICHED.serialize(TOPIC, new EnrichedRequestEvent(request, GeoFixtures.AMSTERDAM)));
    }

    @Test
    void whiteSpaceAroundTheRequestIsKept() {
        RequestEvent request = EnrichmentTopologyTest.request(GeoFixtures.AMSTERDAM_IP);
        String json = " \n\t" + new String(REQUESTS.serialize(TOPIC, request), UTF_8) + "\r\n";
        RequestEvent read = READ_REQUEST.deserialize(TOPIC, json.getBytes(UTF_8));

        byte[] written = write(json.getBytes(UTF_8), read, GeoFixtures.AMSTERDAM);

        assertThat(new String(written, UTF_8)).contains("\"request\":" + json + ",\"geo\":");
        assertThat(READ_ENRICHED.deserialize(TOPIC, written)).isEqualTo(new EnrichedRequestEvent(request, GeoFixtures.AMSTERDAM));
    }

    /** As the enricher writes: without a second look at bytes in the edge's own form. */
    private byte[] write(byte[] requestJson, RequestEvent request, Geo geo) {
        return writer.write(requestJson, CanonicalRequestJson.read(requestJson) != null, request, geo);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
