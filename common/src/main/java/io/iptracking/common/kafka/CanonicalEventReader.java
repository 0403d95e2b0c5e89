package io.iptracking.common.kafka;

import io.iptracking.common.event.Decision;
import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.Geo;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.json.Json;
import io.iptracking.common.json.UtcInstants;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads request events in the form this code writes them, over Jackson's token stream but without
 * its data binding, which costs about as much again as the parsing (a detection or enrichment stream
 * thread reads one event per record; see docs/benchmarks.md).
 *
 * <p>The fast path only ever agrees with data binding or steps aside: it takes exactly the tokens the
 * shared mapper writes (strings as strings, numbers in range, enum names, canonical UUIDs and UTC
 * instants, no nulls, no property twice, nothing after the object), builds the value through the
 * records' own constructors, so every check of the contract runs, and returns {@code null} for
 * anything else: a value it does not build, or one a constructor refuses. {@link JsonSerde} then reads
 * the record by data binding, which decides what it means or how it is refused. Unknown properties
 * are skipped, as data binding skips them. A test compares the two readers on generated events and on
 * mutations of them.
 */
final class CanonicalEventReader {

    private CanonicalEventReader() {
    }

    private static final List<String> ENRICHED = List.of("schemaVersion", "request", "geo");
    private static final List<String> REQUEST = List.of("schemaVersion", "eventId", "timestamp", "ip", "method", "host",
            "path", "status", "latencyMs", "userAgent", "subject", "decision", "rule", "mode");
    private static final List<String> GEO = List.of("countryCode", "countryName", "city", "latitude", "longitude", "asn",
            "asOrganization", "privateAddress");

    /** The enriched event {@code json} holds, or null when data binding must decide. */
    static EnrichedRequestEvent enriched(byte[] json) {
        try (JsonParser p = Json.mapper().createParser(json)) {
            Object[] v = object(p, ENRICHED, (name, token) -> switch (name) {
                case "schemaVersion" -> intValue(p, token);
                case "request" -> token == JsonToken.START_OBJECT ? request(p) : null;
                default -> token == JsonToken.START_OBJECT ? geo(p) : null;
            });
            // A missing property is a null here: the constructor refuses it (or unboxing it fails).
            return end(p, new EnrichedRequestEvent((Integer) v[0], (RequestEvent) v[1], (Geo) v[2]));
        } catch (RuntimeException e) {
            // Not the canonical form (a step aside, a JacksonException), or a value a constructor refuses:
            // data binding decides.
            return null;
        }
    }

    /** The request event {@code json} holds, or null when data binding must decide. */
    static RequestEvent request(byte[] json) {
        try (JsonParser p = Json.mapper().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            return end(p, request(p));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static RequestEvent request(JsonParser p) {
        Object[] v = properties(p, REQUEST, (name, token) -> switch (name) {
            case "schemaVersion", "status" -> intValue(p, token);
            case "latencyMs" -> longValue(p, token);
            case "eventId" -> uuid(text(p, token));
            case "timestamp" -> UtcInstants.parse(text(p, token));
            case "ip" -> ClientIp.parse(text(p, token));
            case "decision" -> Decision.valueOf(text(p, token));
            case "mode" -> Mode.valueOf(text(p, token));
            default -> text(p, token);
        });
        return new RequestEvent((Integer) v[0], (UUID) v[1], (Instant) v[2], (ClientIp) v[3], (String) v[4],
                (String) v[5], (String) v[6], (Integer) v[7], (Long) v[8], (String) v[9], (String) v[10],
                (Decision) v[11], (String) v[12], (Mode) v[13]);
    }

    private static Geo geo(JsonParser p) {
        Object[] v = properties(p, GEO, (name, token) -> switch (name) {
            case "latitude", "longitude" -> token == JsonToken.VALUE_NUMBER_FLOAT ? p.getDoubleValue() : null;
            case "asn" -> longValue(p, token);
            case "privateAddress" -> token == JsonToken.VALUE_TRUE ? Boolean.TRUE
                    : token == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
            default -> text(p, token);
        });
        return new Geo((String) v[0], (String) v[1], (String) v[2], (Double) v[3], (Double) v[4], (Long) v[5],
                (String) v[6], (Boolean) v[7]);
    }

    /** Reads a JSON value of one of {@code names}, its first token given; null when it is not of the canonical form. */
    private interface PropertyReader {
        Object read(String name, JsonToken first);
    }

    /** The properties of the object that starts at the next token, by their place in {@code names}. */
    private static Object[] object(JsonParser p, List<String> names, PropertyReader reader) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw STEP_ASIDE;
        }
        return properties(p, names, reader);
    }

    /**
     * The properties of an object whose START_OBJECT was read, up to its END_OBJECT, by their place in
     * {@code names} (null where absent); other properties are skipped. A property twice, or one the
     * reader cannot read, is a step aside.
     */
    private static Object[] properties(JsonParser p, List<String> names, PropertyReader reader) {
        Object[] values = new Object[names.size()];
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken first = p.nextToken();
            int index = names.indexOf(name);
            if (index < 0) {
                p.skipChildren();
            } else if (values[index] != null) {
                throw STEP_ASIDE;
            } else {
                values[index] = need(reader.read(name, first));
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw STEP_ASIDE;
        }
        return values;
    }

    /** {@code value} when nothing follows the object, as data binding requires. */
    private static <T> T end(JsonParser p, T value) {
        if (p.nextToken() != null) {
            throw STEP_ASIDE;
        }
        return value;
    }

    private static String text(JsonParser p, JsonToken token) {
        return need(token == JsonToken.VALUE_STRING ? p.getString() : null);
    }

    private static Integer intValue(JsonParser p, JsonToken value) {
        return value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT ? p.getIntValue() : null;
    }

    private static Long longValue(JsonParser p, JsonToken value) {
        return value == JsonToken.VALUE_NUMBER_INT && (p.getNumberType() == JsonParser.NumberType.INT
                || p.getNumberType() == JsonParser.NumberType.LONG) ? p.getLongValue() : null;
    }

    /** Thrown, without a stack trace, where the fast path leaves the record to data binding. */
    private static final class StepAside extends RuntimeException {
        StepAside() {
            super(null, null, false, false);
        }
    }

    private static final StepAside STEP_ASIDE = new StepAside();

    /** {@code value}, or a step aside when the token was not read into one. */
    private static <T> T need(T value) {
        if (value == null) {
            throw STEP_ASIDE;
        }
        return value;
    }

    /** Only the canonical 36-character form: {@link UUID#fromString} also takes forms data binding refuses. */
    private static UUID uuid(String text) {
        UUID id = UUID.fromString(text);
        return need(text.length() == 36 && id.toString().equals(text) ? id : null);
    }
}
