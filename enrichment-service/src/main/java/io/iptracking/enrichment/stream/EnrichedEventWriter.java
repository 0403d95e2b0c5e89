package io.iptracking.enrichment.stream;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.Geo;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.json.Json;
import io.iptracking.common.kafka.Topics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.databind.ObjectWriter;

/**
 * Writes the value of an enriched record around the request record's own bytes: the enriched event
 * nests the request unchanged, so the JSON the edge wrote (and that {@link RequestEnricher} has already
 * read and checked) is copied into it rather than written again, which spares about a microsecond per
 * record (EnrichmentBenchmark, JFR).
 * The result is the JSON {@code Topics.ENRICHED_REQUESTS}' serializer writes for the same event, byte
 * for byte when the edge wrote it; fields the edge added that this version does not know are kept, and
 * so is the producer's own text of each value (an IP not in canonical form, say: the record key always is).
 *
 * <p>The JSON of each geo answer is kept too: writing a {@link Geo} takes most of a microsecond, and
 * requests come from far fewer places than IPs (50,000 random public IPs: about 10,000 places). One
 * writer serves every stream thread of the topology, so each place is written once, and a hit only
 * reads a concurrent map (the geo lookup hands out one instance per place, which the equality check
 * then finds at once). Should there be more places than it keeps, it starts again from nothing.
 *
 * <p>Only a request shaped as the edge nearly always writes it is copied: printable ASCII (JSON
 * whitespace allowed), at most {@value #MAX_COPIED_BYTES} bytes, with at most {@value #MAX_OPENINGS} braces and
 * brackets in all. Anything else a JSON reader accepts (non-ASCII text, which could be invalid UTF-8 in
 * a field the reader only skipped; a byte order mark; UTF-16 or UTF-32; unknown fields nested so
 * deep that one more level would exceed a reader's depth limit; a record near the producer's size limit)
 * is written again from what was read, without the fields this version does not know.
 */
final class EnrichedEventWriter {

    private static final byte[] BEFORE_REQUEST =
            ("{\"schemaVersion\":" + EnrichedRequestEvent.SCHEMA_VERSION + ",\"request\":").getBytes(UTF_8);
    private static final byte[] BEFORE_GEO = ",\"geo\":".getBytes(UTF_8);
    private static final byte[] END = "}".getBytes(UTF_8);
    private static final ObjectWriter GEO = Json.mapper().writerFor(Geo.class);
    private static final Serializer<EnrichedRequestEvent> EVENTS = Topics.ENRICHED_REQUESTS.valueSerde().serializer();

    /** Larger requests are written again: the edge's are a few hundred bytes, and the wrapper must fit. */
    static final int MAX_COPIED_BYTES = 64 * 1024;
    /** More braces and brackets than this, inside strings or not, and the request is written again. */
    static final int MAX_OPENINGS = 64;

    /** Geo answers whose JSON is kept: about 250 bytes each, so at most about 16 MiB. */
    static final int GEO_JSON_ENTRIES = 65_536;

    private final Map<Geo, byte[]> geoJson = new ConcurrentHashMap<>();

    /**
     * @param requestJson the request record's value, which {@code request} was read from
     * @param canonical whether {@link io.iptracking.common.json.CanonicalRequestJson} read it, which
     *     accepts printable ASCII without nesting only, so the bytes need no second look
     * @param request what was read from it
     * @param geo what is known about the request's IP
     */
    byte[] write(byte[] requestJson, boolean canonical, RequestEvent request, Geo geo) {
        if (canonical ? requestJson.length > MAX_COPIED_BYTES : !canCopy(requestJson)) {
            return EVENTS.serialize(Topics.ENRICHED_REQUESTS.name(), new EnrichedRequestEvent(request, geo));
        }
        byte[] geoJson = geoJson(geo);
        byte[] value = new byte[BEFORE_REQUEST.length + requestJson.length + BEFORE_GEO.length + geoJson.length + END.length];
        int at = append(value, 0, BEFORE_REQUEST);
        at = append(value, at, requestJson);
        at = append(value, at, BEFORE_GEO);
        at = append(value, at, geoJson);
        append(value, at, END);
        return value;
    }

    private byte[] geoJson(Geo geo) {
        byte[] json = geoJson.get(geo);
        if (json == null) {
            json = GEO.writeValueAsBytes(geo);
            if (geoJson.size() >= GEO_JSON_ENTRIES) {
                geoJson.clear();
            }
            geoJson.put(geo, json);
        }
        return json;
    }

    /** How many geo answers' JSON is kept now. */
    int geoJsonKept() {
        return geoJson.size();
    }

    /** Whether JSON that a reader accepted as a request can be nested as it is (see the class comment). */
    private static boolean canCopy(byte[] json) {
        if (json.length > MAX_COPIED_BYTES) {
            return false;
        }
        int openings = 0;
        for (byte b : json) {
            if (b == '{' || b == '[') {
                if (++openings > MAX_OPENINGS) {
                    return false;
                }
            } else if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b > 0x7e) {
                // Bytes are signed: everything from 0x80 up is negative, so below 0x20 too.
                return false;
            }
        }
        return true;
    }

    private static int append(byte[] to, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, to, at, bytes.length);
        return at + bytes.length;
    }
}
