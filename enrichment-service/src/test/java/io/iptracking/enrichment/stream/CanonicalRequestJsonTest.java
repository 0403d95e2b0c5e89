package io.iptracking.enrichment.stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.event.Decision;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.json.Json;
import io.iptracking.common.testing.ContractSamples;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;

/**
 * {@link CanonicalRequestJson} must read what Jackson writes, and never read anything differently from
 * Jackson: it is compared with Jackson's data binding on written events and on mangled ones.
 */
class CanonicalRequestJsonTest {

    private static final ObjectWriter WRITER = Json.mapper().writerFor(RequestEvent.class);
    private static final ObjectReader READER = Json.mapper().readerFor(RequestEvent.class);

    @Test
    void readsEveryEventJacksonWritesInPrintableAscii() {
        SplittableRandom random = new SplittableRandom(17);
        int canonical = 0;
        for (int i = 0; i < 20_000; i++) {
            RequestEvent event = randomEvent(random);
            byte[] json = WRITER.writeValueAsBytes(event);
            RequestEvent read = CanonicalRequestJson.read(json);
            if (isPrintableAsciiWithoutEscapes(json)) {
                canonical++;
                assertThat(read).as(new String(json, UTF_8)).isEqualTo(event);
            } else {
                assertThat(read).as(new String(json, UTF_8)).isNull();
            }
        }
        // The generator also writes escapes and non-ASCII text, but mostly what the edge writes.
        assertThat(canonical).isGreaterThan(5_000);
    }

    @Test
    void neverReadsAnEventJacksonWouldNotReadFromTheSameBytes() {
        SplittableRandom random = new SplittableRandom(23);
        // JSON's syntax, escapes, letters and digits, raw control characters, DEL and UTF-8.
        byte[] alphabet = "{}[]\",:0123456789-.eE \\/ntrufalsABCDEF:.%ü\u0001\u001f\t\u007f".getBytes(UTF_8);
        int readHere = 0;
        int mangled = 200_000;
        for (int i = 0; i < mangled; i++) {
            byte[] json = mangle(WRITER.writeValueAsBytes(randomEvent(random)), random, alphabet);
            RequestEvent read = CanonicalRequestJson.read(json);
            if (read != null) {
                readHere++;
                assertThat(jackson(json)).as(new String(json, UTF_8)).isEqualTo(read);
            }
        }
        // Many mangled texts are still canonical (a changed character inside a string, a digit...):
        // those are the ones compared with Jackson.
        assertThat(readHere).isBetween(mangled / 100, mangled - mangled / 100);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // whitespace, field order, unknown and duplicate fields, explicit null
        "{ \"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}",
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}\n",
        "{\"eventId\":\"%s\",\"schemaVersion\":1,\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}",
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"decision\":\"ALLOWED\",\"mode\":\"PROXY\",\"country\":\"NL\"}",
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"ip\":\"203.0.113.8\",\"method\":\"GET\",\"path\":\"/\",\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}",
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"host\":null,\"path\":\"/\",\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}",
        // numbers Jackson coerces, or writes otherwise
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"status\":200.0,\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}",
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"status\":\"200\",\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}",
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"latencyMs\":2e1,\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}",
        // other texts of the same values: an escape, an offset, an IP Jackson reads into canonical form
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"G\\u0045T\",\"path\":\"/\",\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}",
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T12:15:31+02:00\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}",
    })
    void leavesEveryOtherFormOfAValidEventToJackson(String template) throws Exception {
        byte[] json = template.formatted(UUID.randomUUID()).getBytes(UTF_8);
        assertThat(jackson(json)).isNotNull();
        assertThat(CanonicalRequestJson.read(json)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.300\",\"method\":\"GET\",\"path\":\"/\",\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}",
        "{\"schemaVersion\":01,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}",
        "{\"schemaVersion\":0,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}",
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\" \",\"path\":\"/\",\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}",
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"status\":600,\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}",
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"status\":4294967496,\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}",
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-02-30T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}",
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"decision\":\"allowed\",\"mode\":\"PROXY\"}",
        "{\"schemaVersion\":1,\"eventId\":\"1-2-3-4-5\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}%s",
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"decision\":\"ALLOWED\"}",
        "{\"schemaVersion\":1,\"eventId\":\"%s\",\"timestamp\":\"2026-05-04T10:15:31Z\",\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/\",\"decision\":\"ALLOWED\",\"mode\":\"PROXY\"}}",
    })
    void leavesInvalidEventsToJacksonsMessages(String template) {
        byte[] json = template.formatted(UUID.randomUUID()).getBytes(UTF_8);
        assertThat(CanonicalRequestJson.read(json)).isNull();
        assertThat(jacksonRefuses(json)).isTrue();
    }

    @Test
    void declinesWhatTheRequestTopicsSerdeStillReads() {
        var serde = io.iptracking.common.kafka.Topics.REQUESTS.valueSerde();
        RequestEvent event = ContractSamples.requestEvent();
        byte[] canonical = serde.serializer().serialize("t", event);
        byte[] spaced = new String(canonical, UTF_8).replace(",", " , ").getBytes(UTF_8);
        assertThat(CanonicalRequestJson.read(canonical)).isEqualTo(event);
        assertThat(CanonicalRequestJson.read(spaced)).isNull();
        assertThat(serde.deserializer().deserialize("t", canonical)).isEqualTo(event);
        assertThat(serde.deserializer().deserialize("t", spaced)).isEqualTo(event);
    }

    private static RequestEvent jackson(byte[] json) {
        return READER.readValue(json);
    }

    private static boolean jacksonRefuses(byte[] json) {
        try {
            READER.readValue(json);
            return false;
        } catch (JacksonException e) {
            return true;
        }
    }

    private static boolean isPrintableAsciiWithoutEscapes(byte[] json) {
        for (byte b : json) {
            if (b < 0x20 || b > 0x7e || b == '\\') {
                return false;
            }
        }
        return true;
    }

    /** One to three changes: a byte replaced, removed, inserted or doubled, or the text cut short. */
    private static byte[] mangle(byte[] json, SplittableRandom random, byte[] alphabet) {
        byte[] text = json;
        for (int changes = 1 + random.nextInt(3); changes > 0 && text.length > 1; changes--) {
            int at = random.nextInt(text.length);
            byte b = alphabet[random.nextInt(alphabet.length)];
            text = switch (random.nextInt(5)) {
                case 0 -> {
                    byte[] copy = text.clone();
                    copy[at] = b;
                    yield copy;
                }
                case 1 -> concat(Arrays.copyOf(text, at), Arrays.copyOfRange(text, at + 1, text.length));
                case 2 -> concat(Arrays.copyOf(text, at + 1), concat(new byte[] {b}, Arrays.copyOfRange(text, at + 1, text.length)));
                case 3 -> concat(Arrays.copyOf(text, at + 1), Arrays.copyOfRange(text, at, text.length));
                default -> Arrays.copyOf(text, at);
            };
        }
        return text;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static RequestEvent randomEvent(SplittableRandom random) {
        String[] ips = {"203.0.113.7", "198.51.100.255", "1.2.3.4", "2001:db8::1", "2001:db8:0:1:2:3:4:5", "::1", "10.0.0.1"};
        String[] texts = {"GET", "POST", "/login", "/admin/users/7", "/a b", "shop.example", "Mozilla/5.0 (X11; Linux x86_64)",
            "x\"y", "back\\slash", "tab there", "caf\u00e9", "\u65e5\u672c", "emoji \ud83d\ude00", "", " ", "sub-123", "7"};
        return new RequestEvent(
                random.nextInt(20) == 0 ? 1 + random.nextInt(Integer.MAX_VALUE - 1) : 1,
                random.nextBoolean() ? UUID.randomUUID() : new UUID(random.nextLong(), random.nextLong()),
                Instant.ofEpochSecond(random.nextLong(0, 4_102_444_800L), random.nextInt(3) == 0 ? random.nextInt(1_000_000_000) : 0),
                ClientIp.parse(ips[random.nextInt(ips.length)]),
                random.nextInt(10) == 0 ? texts[random.nextInt(texts.length)] + "X" : "GET",
                random.nextBoolean() ? null : texts[random.nextInt(texts.length)],
                random.nextInt(10) == 0 ? texts[random.nextInt(texts.length)] : "/products/" + random.nextInt(1000),
                random.nextBoolean() ? null : 100 + random.nextInt(500),
                random.nextBoolean() ? null : random.nextInt(10) == 0 ? random.nextLong(0, 1_000_000_000_000_000_000L) : (long) random.nextInt(100),
                random.nextBoolean() ? null : texts[random.nextInt(texts.length)],
                random.nextInt(4) == 0 ? texts[random.nextInt(texts.length)] : null,
                Decision.values()[random.nextInt(Decision.values().length)],
                random.nextBoolean() ? null : texts[random.nextInt(texts.length)],
                Mode.values()[random.nextInt(Mode.values().length)]);
    }
}
