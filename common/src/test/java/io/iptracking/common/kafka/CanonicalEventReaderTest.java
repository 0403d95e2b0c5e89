package io.iptracking.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.common.event.Decision;
import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.Geo;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.json.Json;
import io.iptracking.common.testing.ContractSamples;
import io.iptracking.common.testing.traffic.TrafficGenerator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectReader;

/**
 * The fast reader of request events against Jackson's data binding: on what this code writes it takes
 * every event and reads the same value; on anything else it either reads the same value or steps
 * aside, never reads something data binding would refuse or read differently.
 */
class CanonicalEventReaderTest {

    private static final ObjectReader BINDING = Json.mapper().readerFor(EnrichedRequestEvent.class);
    private static final ObjectReader REQUEST_BINDING = Json.mapper().readerFor(RequestEvent.class);

    @Test
    void readsEveryGeneratedEventAsDataBindingDoes() {
        List<EnrichedRequestEvent> events = TrafficGenerator.withSeed(7).duration(Duration.ofHours(6)).users(500)
                .generate().events();
        assertThat(events).hasSizeGreaterThan(1_000);
        for (EnrichedRequestEvent e : events) {
            byte[] json = Topics.ENRICHED_REQUESTS.valueSerde().serializer().serialize("t", e);
            assertThat(CanonicalEventReader.enriched(json)).isEqualTo(e).isEqualTo(BINDING.readValue(json));
            byte[] request = Topics.REQUESTS.valueSerde().serializer().serialize("t", e.request());
            assertThat(CanonicalEventReader.request(request)).isEqualTo(e.request()).isEqualTo(REQUEST_BINDING.readValue(request));
        }
    }

    @Test
    void readsEveryShapeOfValueThisCodeWrites() {
        RequestEvent full = ContractSamples.requestEvent();
        List<EnrichedRequestEvent> events = new ArrayList<>();
        for (Decision decision : Decision.values()) {
            for (Mode mode : Mode.values()) {
                events.add(new EnrichedRequestEvent(new RequestEvent(UUID.randomUUID(), Instant.parse("2026-05-04T10:15:30Z"),
                        ClientIp.parse("2001:db8::1"), "POST", null, "/" + "a".repeat(RequestEvent.MAX_PATH - 1), null, null,
                        null, "alice", decision, "login", mode), Geo.UNKNOWN));
            }
        }
        events.add(new EnrichedRequestEvent(full, Geo.PRIVATE));
        events.add(new EnrichedRequestEvent(full, ContractSamples.geo()));
        events.add(new EnrichedRequestEvent(new RequestEvent(full.eventId(), Instant.parse("2026-05-04T10:15:30.123456789Z"),
                full.ip(), "GET", "shop.example", "/caf\u00e9/\"quoted\"\\", 599, Long.MAX_VALUE, "\u00fcber-agent/1.0", null,
                Decision.ALLOWED, null, Mode.CHECK), new Geo("US", "United States", "\u00c9vry", -90.0, 180.0, 4_294_967_295L,
                "Org \"quoted\"", false)));
        for (EnrichedRequestEvent e : events) {
            byte[] json = Topics.ENRICHED_REQUESTS.valueSerde().serializer().serialize("t", e);
            assertThat(CanonicalEventReader.enriched(json)).as(new String(json, StandardCharsets.UTF_8)).isEqualTo(e);
        }
    }

    @Test
    void stepsAsideForWhatDataBindingReadsOtherwiseOrRefuses() {
        String canonical = canonicalJson();
        for (String[] change : new String[][] {
            {"\"status\":404", "\"status\":\"404\""}, // a string data binding coerces
            {"\"status\":404", "\"status\":404.0"},
            {"\"status\":404", "\"status\":null"},
            {"\"status\":404", "\"status\":99999999999"},
            {"\"latencyMs\":3", "\"latencyMs\":1e2"},
            {"\"decision\":\"ALLOWED\"", "\"decision\":0"},
            {"\"decision\":\"ALLOWED\"", "\"decision\":\"allowed\""},
            {"\"eventId\":\"0b6f6a52-3c1e-4d0f-8a8e-5f2d9c7b1a01\"", "\"eventId\":\"b6f6a52-3c1e-4d0f-8a8e-5f2d9c7b1a01\""},
            {"\"timestamp\":\"2026-05-04T10:15:30.250Z\"", "\"timestamp\":\"2026-05-04T12:15:30.250+02:00\""},
            {"\"timestamp\":\"2026-05-04T10:15:30.250Z\"", "\"timestamp\":1777889730250"},
            {"\"latitude\":52.37", "\"latitude\":52"},
            {"\"privateAddress\":false", "\"privateAddress\":\"false\""},
            {"\"path\":\"/.env\"", "\"path\":\"/.env\",\"path\":\"/admin\""}, // a property twice
            {"\"ip\":\"203.0.113.7\"", "\"ip\":\"203.0.113.7\\u0000\""},
            {"\"method\":\"GET\"", "\"method\":\"\""},
            {"\"eventId\":\"0b6f6a52-3c1e-4d0f-8a8e-5f2d9c7b1a01\"", "\"eventId\":\"0B6F6A52-3C1E-4D0F-8A8E-5F2D9C7B1A01\""},
            {"\"countryCode\":\"NL\"", "\"countryCode\":\"NL\",\"countryCode\":\"DE\""}, // twice, inside geo
            {"\"latencyMs\":3", "\"latencyMs\":3,\"latencyMs\":4"}, // twice, inside request
        }) {
            byte[] json = canonical.replace(change[0], change[1]).getBytes(StandardCharsets.UTF_8);
            assertThat(new String(json, StandardCharsets.UTF_8)).as("the fixture applies").isNotEqualTo(canonical);
            assertThat(CanonicalEventReader.enriched(json)).as(change[1]).isNull();
        }
    }

    @Test
    void neverReadsWhatDataBindingWouldNotReadTheSame() {
        Random random = new Random(20261203);
        RequestEvent sample = ContractSamples.requestEvent();
        RequestEvent ipv6 = new RequestEvent(sample.eventId(), sample.timestamp(), ClientIp.parse("2001:db8:7:7::1b"), "POST",
                "shop.example", "/login", 401, 12L, "Mozilla/5.0", "5f2d9c7b", Decision.RATE_LIMITED, "login", Mode.CHECK);
        String[] insertions = {"null", "\"x\"", "1", "-0", "1.5", "true", "{}", "[]", "{\"a\":[1,{}]}", "\"\\u0000\"",
            "\"\\ud800\"", "99999999999999999999", ",\"status\":200", ",\"extra\":{\"path\":\"/x\"}", " ", "\n", "\\u0061",
            "A", "F", ":", "0", "e5", ",\"geo\":{\"privateAddress\":true}", ",\"request\":{}"};
        int taken = 0;
        int steppedAside = 0;
        for (RequestEvent request : List.of(sample, ipv6)) {
            EnrichedRequestEvent event = new EnrichedRequestEvent(request, request == sample ? ContractSamples.geo() : Geo.PRIVATE);
            byte[] enriched = Topics.ENRICHED_REQUESTS.valueSerde().serializer().serialize("t", event);
            byte[] alone = Topics.REQUESTS.valueSerde().serializer().serialize("t", request);
            for (int i = 0; i < 10_000; i++) {
                byte[] mutated = mutate(enriched, random, insertions);
                EnrichedRequestEvent fast = CanonicalEventReader.enriched(mutated);
                if (fast == null) {
                    steppedAside++;
                } else {
                    taken++;
                    // Whatever the fast path takes, data binding takes too, and reads as the same value.
                    EnrichedRequestEvent bound = BINDING.readValue(mutated);
                    assertThat(bound).as(new String(mutated, StandardCharsets.UTF_8)).isEqualTo(fast);
                    assertThat(bound.request().ip()).hasToString(fast.request().ip().toString());
                }
                byte[] mutatedAlone = mutate(alone, random, insertions);
                RequestEvent fastAlone = CanonicalEventReader.request(mutatedAlone);
                if (fastAlone != null) {
                    RequestEvent bound = REQUEST_BINDING.readValue(mutatedAlone);
                    assertThat(bound).as(new String(mutatedAlone, StandardCharsets.UTF_8)).isEqualTo(fastAlone);
                    assertThat(bound.ip()).hasToString(fastAlone.ip().toString());
                }
            }
        }
        // The mutations reach both outcomes, so the comparison above means something.
        assertThat(taken).isGreaterThan(200);
        assertThat(steppedAside).isGreaterThan(10_000);
    }

    @Test
    void theSerdeRefusesWhatTheFastPathLeavesToDataBinding() {
        byte[] missingGeo = canonicalJson().replaceFirst(",\"geo\":\\{[^}]*}", "").getBytes(StandardCharsets.UTF_8);
        assertThat(CanonicalEventReader.enriched(missingGeo)).isNull();
        assertThatThrownBy(() -> Topics.ENRICHED_REQUESTS.valueSerde().deserializer().deserialize("t", missingGeo))
                .isInstanceOf(SerializationException.class).hasMessageContaining("geo");
        byte[] coerced = canonicalJson().replace("\"status\":404", "\"status\":\"404\"").getBytes(StandardCharsets.UTF_8);
        assertThat(Topics.ENRICHED_REQUESTS.valueSerde().deserializer().deserialize("t", coerced))
                .isEqualTo(ContractSamples.enrichedRequestEvent());
    }

    private static String canonicalJson() {
        return new String(Topics.ENRICHED_REQUESTS.valueSerde().serializer().serialize("t", ContractSamples.enrichedRequestEvent()),
                StandardCharsets.UTF_8);
    }

    /** One to three edits: a byte changed, a span deleted, or a token inserted at a random place. */
    private static byte[] mutate(byte[] json, Random random, String[] insertions) {
        byte[] out = json;
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(3)) {
                case 0 -> {
                    out = out.clone();
                    out[at] = (byte) (random.nextBoolean() ? random.nextInt(128) : "{}[]:,\"0-.eE \\".charAt(random.nextInt(14)));
                }
                case 1 -> {
                    int end = Math.min(out.length, at + 1 + random.nextInt(12));
                    byte[] shorter = new byte[out.length - (end - at)];
                    System.arraycopy(out, 0, shorter, 0, at);
                    System.arraycopy(out, end, shorter, at, out.length - end);
                    out = shorter;
                }
                default -> {
                    byte[] insert = insertions[random.nextInt(insertions.length)].getBytes(StandardCharsets.UTF_8);
                    byte[] longer = new byte[out.length + insert.length];
                    System.arraycopy(out, 0, longer, 0, at);
                    System.arraycopy(insert, 0, longer, at, insert.length);
                    System.arraycopy(out, at, longer, at + insert.length, out.length - at);
                    out = longer;
                }
            }
            if (out.length == 0) {
                return json;
            }
        }
        return out;
    }
}
