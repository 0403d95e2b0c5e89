package io.iptracking.common.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.iptracking.common.event.Evidence;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.Geo;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.json.Json;
import io.iptracking.common.testing.ContractSamples;
import java.io.File;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The public schemas against what the code writes and reads. Every check runs on two validators: one
 * that treats {@code format} as an annotation only (the 2020-12 default, and what many consumers
 * use) and one that asserts formats. They must agree, which proves the patterns alone enforce the
 * contract and that the patterns and formats do not contradict each other.
 */
class PublicSchemasTest {

    private static final String MISSING = "<missing>";

    private static final SchemaRegistry ANNOTATING = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final SchemaRegistry ASSERTING = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    @Test
    void samplesValidate() {
        assertThat(errors(Topics.FLAGGED, ContractSamples.flaggedIp())).isEmpty();
        assertThat(errors(Topics.FLAGGED, ContractSamples.flaggedNetwork())).isEmpty();
        assertThat(errors(Topics.BLOCKLIST, ContractSamples.listEntry())).isEmpty();
    }

    @Test
    void minimalValuesValidate() {
        FlaggedIp s = ContractSamples.flaggedIp();
        FlaggedIp minimal = new FlaggedIp(s.flagId(), ClientIp.parse("2001:db8::1"), s.rule(), s.reason(), s.severity(),
                0, s.windowStart(), s.windowStart(), 0, Evidence.NONE, Geo.UNKNOWN, s.detectedAt());
        assertThat(errors(Topics.FLAGGED, minimal)).isEmpty();
        ListEntry l = ContractSamples.listEntry();
        ListEntry permanent = new ListEntry(Cidr.parse("2001:db8::/32"), l.action(), l.reason(), l.source(),
                l.createdBy(), l.createdAt(), null);
        assertThat(errors(Topics.BLOCKLIST, permanent)).isEmpty();
    }

    @Test
    void unknownFieldsAndNewRuleNamesValidateAndDeserialize() {
        ObjectNode json = tree(Topics.FLAGGED, ContractSamples.flaggedIp());
        json.put("tenant", "acme");
        json.put("rule", "TOR_EXIT");
        ((ObjectNode) json.get("geo")).put("isp", "Example");
        ((ObjectNode) json.get("evidence")).putArray("userAgents").add("curl");
        assertThat(errors(Topics.FLAGGED, json.toString())).isEmpty();
        assertThat(rejectedByJava(Topics.FLAGGED, json.toString())).isFalse();
    }

    @Test
    void everyCanonicalIpMatchesTheIpPattern() {
        Random random = new Random(20260504);
        ObjectNode json = tree(Topics.FLAGGED, ContractSamples.flaggedIp());
        for (int i = 0; i < 500; i++) {
            ClientIp ip = randomIp(random);
            json.put("ip", ip.toString());
            assertThat(errors(Topics.FLAGGED, json.toString())).as(ip.toString()).isEmpty();
        }
    }

    @Test
    void everyCanonicalCidrMatchesTheCidrPattern() {
        Random random = new Random(20260505);
        ObjectNode json = tree(Topics.BLOCKLIST, ContractSamples.listEntry());
        for (int i = 0; i < 500; i++) {
            ClientIp ip = randomIp(random);
            Cidr cidr = Cidr.of(ip, random.nextInt(ip.version().bits() + 1));
            json.put("cidr", cidr.toString());
            assertThat(errors(Topics.BLOCKLIST, json.toString())).as(cidr.toString()).isEmpty();
        }
    }

    /** One row per bad input: the field, its bad value, the error the schema gives, and whether Java agrees. */
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            /schemaVersion         | <missing>                              | required      | ''                       | true
            /schemaVersion         | 0                                      | minimum       | /schemaVersion           | true
            /flagId                | <missing>                              | required      | ''                       | true
            /flagId                | "not-a-uuid"                           | pattern       | /flagId                  | true
            /flagId                | "3F1C2B7E-8A4D-4E2F-9B61-0C5D7E8F9A10" | pattern       | /flagId                  | false
            /ip                    | <missing>                              | required      | ''                       | true
            /ip                    | "203.0.113.256"                        | pattern       | /ip                      | true
            /ip                    | "203.0.113.7/32"                       | pattern       | /ip                      | true
            /ip                    | "example.com"                          | pattern       | /ip                      | true
            /ip                    | "2001:DB8::1"                          | pattern       | /ip                      | false
            /ip                    | "2001:db8::01"                         | pattern       | /ip                      | false
            /ip                    | "::ffff:203.0.113.7"                   | pattern       | /ip                      | false
            /rule                  | <missing>                              | required      | ''                       | true
            /rule                  | "scanning"                             | pattern       | /rule                    | false
            /reason                | <missing>                              | required      | ''                       | true
            /reason                | "   "                                  | pattern       | /reason                  | true
            /severity              | <missing>                              | required      | ''                       | true
            /severity              | "SEVERE"                               | enum          | /severity                | true
            /severity              | "high"                                 | enum          | /severity                | true
            /score                 | <missing>                              | required      | ''                       | true
            /score                 | "high"                                 | type          | /score                   | true
            /windowStart           | <missing>                              | required      | ''                       | true
            /windowStart           | "2026-05-04 09:15:30Z"                 | pattern       | /windowStart             | true
            /windowStart           | "2026-13-04T09:15:30Z"                 | pattern       | /windowStart             | true
            /windowEnd             | <missing>                              | required      | ''                       | true
            /windowEnd             | "yesterday"                            | pattern       | /windowEnd               | true
            /detectedAt            | <missing>                              | required      | ''                       | true
            /detectedAt            | "2026-05-04T12:15:31+02:00"            | pattern       | /detectedAt              | false
            /requestCount          | <missing>                              | required      | ''                       | true
            /requestCount          | -1                                     | minimum       | /requestCount            | true
            /evidence              | <missing>                              | required      | ''                       | true
            /evidence/counts       | {"requests":-1}                        | minimum       | /evidence/counts/requests | true
            /evidence/thresholds   | {"requests":"many"}                    | type          | /evidence/thresholds/requests | true
            /evidence/samplePaths  | <missing>                              | required      | /evidence                | true
            /evidence/statusCounts | {"999":1}                              | propertyNames | /evidence/statusCounts   | true
            /evidence/statusCounts | {"404":-1}                             | minimum       | /evidence/statusCounts/404 | true
            /geo                   | <missing>                              | required      | ''                       | true
            /geo/privateAddress    | <missing>                              | required      | /geo                     | true
            /geo/countryCode       | "nl"                                   | pattern       | /geo/countryCode         | true
            /geo/latitude          | 90.5                                   | maximum       | /geo/latitude            | true
            /geo/longitude         | -180.5                                 | minimum       | /geo/longitude           | true
            /geo/asn               | 4294967296                             | maximum       | /geo/asn                 | true
            /network               | "203.0.113.0/33"                       | pattern       | /network                 | true
            /network               | "203.0.113.7"                          | pattern       | /network                 | false
            /network               | "::FFFF:203.0.113.0/120"               | pattern       | /network                 | false
            /network               | "example.com/24"                       | pattern       | /network                 | true
            """)
    void flaggedIpViolationsFailValidation(String pointer, String value, String keyword, String location,
            boolean javaRejectsToo) {
        String json = mutate(tree(Topics.FLAGGED, ContractSamples.flaggedIp()), pointer, value);
        assertRejected(Topics.FLAGGED, json, keyword, location, javaRejectsToo);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            /schemaVersion | <missing>              | required | ''         | true
            /cidr          | <missing>              | required | ''         | true
            /cidr          | "198.51.100.0/33"      | pattern  | /cidr      | true
            /cidr          | "198.51.100.0/024"     | pattern  | /cidr      | true
            /cidr          | "2001:db8::/129"       | pattern  | /cidr      | true
            /cidr          | "198.51.100.0"         | pattern  | /cidr      | false
            /cidr          | "2001:DB8::/32"        | pattern  | /cidr      | false
            /action        | <missing>              | required | ''         | true
            /action        | "DENY"                 | enum     | /action    | true
            /reason        | <missing>              | required | ''         | true
            /reason        | ""                     | pattern  | /reason    | true
            /source        | <missing>              | required | ''         | true
            /source        | "API"                  | enum     | /source    | true
            /createdBy     | <missing>              | required | ''         | true
            /createdAt     | <missing>              | required | ''         | true
            /createdAt     | "2026-05-04T10:20:00"  | pattern  | /createdAt | true
            /expiresAt     | "2026-05-11"           | pattern  | /expiresAt | true
            """)
    void listEntryViolationsFailValidation(String pointer, String value, String keyword, String location,
            boolean javaRejectsToo) {
        String json = mutate(tree(Topics.BLOCKLIST, ContractSamples.listEntry()), pointer, value);
        assertRejected(Topics.BLOCKLIST, json, keyword, location, javaRejectsToo);
    }

    /**
     * A field the schema requires is one the code cannot do without, and the reverse: removing any
     * field of a sample is rejected by both or by neither.
     */
    @Test
    void schemaAndRecordsAgreeOnWhichFieldsAreRequired() {
        assertRequiredFieldsAgree(Topics.FLAGGED, ContractSamples.flaggedIp());
        assertRequiredFieldsAgree(Topics.FLAGGED, ContractSamples.flaggedNetwork());
        assertRequiredFieldsAgree(Topics.BLOCKLIST, ContractSamples.listEntry());
    }

    @Test
    void schemasAreNamedAfterTheirTopicsAndShareDefinitions() {
        for (Topic<?, ?> topic : PublicSchemas.topics()) {
            JsonNode schema = Json.mapper().readTree(PublicSchemas.forTopic(topic));
            assertThat(schema.get("$schema").stringValue()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
            assertThat(schema.get("$id").stringValue()).isEqualTo("urn:ip-tracking:schema:" + topic.name());
            assertThat(schema.get("additionalProperties").booleanValue()).isTrue();
        }
        JsonNode flagged = Json.mapper().readTree(PublicSchemas.forTopic(Topics.FLAGGED));
        JsonNode blocklist = Json.mapper().readTree(PublicSchemas.forTopic(Topics.BLOCKLIST));
        assertThat(blocklist.at("/$defs/instant")).isEqualTo(flagged.at("/$defs/instant"));
        assertThat(blocklist.at("/$defs/cidr")).isEqualTo(flagged.at("/$defs/cidr"));
        // The CIDR patterns are the IP patterns with a prefix length: keep the two files in step.
        assertThat(blocklist.at("/$defs/cidr/anyOf/0/pattern").stringValue())
                .startsWith(flagged.at("/$defs/ip/anyOf/0/pattern").stringValue().replaceAll("\\$$", "/"));
        assertThat(blocklist.at("/$defs/cidr/anyOf/1/pattern").stringValue())
                .startsWith(flagged.at("/$defs/ip/anyOf/1/pattern").stringValue().replaceAll("\\$$", "/"));
    }

    @Test
    void everySchemaFileBelongsToAPublicTopic() throws URISyntaxException {
        File dir = new File(PublicSchemas.class.getClassLoader().getResource("schemas").toURI());
        List<String> expected = PublicSchemas.topics().stream().map(PublicSchemas::resourceName).toList();
        List<String> found = new ArrayList<>();
        for (String name : dir.list()) {
            found.add("schemas/" + name);
        }
        assertThat(found).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aTopicWithoutPublicSchemaIsRefused() {
        assertThatThrownBy(() -> PublicSchemas.forTopic(Topics.REQUESTS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topic " + Topics.REQUESTS.name() + " has no public schema; public topics: "
                        + Topics.FLAGGED.name() + ", " + Topics.BLOCKLIST.name());
    }

    private static void assertRequiredFieldsAgree(Topic<?, ?> topic, Object sample) {
        ObjectNode root = tree(topic, sample);
        List<String> pointers = new ArrayList<>();
        collectFieldPointers(root, "", pointers);
        assertThat(pointers).isNotEmpty();
        for (String pointer : pointers) {
            String json = mutate(tree(topic, sample), pointer, MISSING);
            boolean schemaRejects = !errors(topic, json).isEmpty();
            boolean javaRejects = rejectedByJava(topic, json);
            assertThat(javaRejects).as("without %s: schema rejects=%s, Java rejects=%s", pointer, schemaRejects,
                    javaRejects).isEqualTo(schemaRejects);
        }
    }

    /** Pointers to the fields of the record and its nested records; map entries and list items are data. */
    private static void collectFieldPointers(JsonNode node, String prefix, List<String> out) {
        for (String name : node.propertyNames()) {
            String pointer = prefix + "/" + name;
            out.add(pointer);
            if (name.equals("geo") || name.equals("evidence")) {
                collectFieldPointers(node.get(name), pointer, out);
            }
        }
    }

    private static void assertRejected(Topic<?, ?> topic, String json, String keyword, String location,
            boolean javaRejectsToo) {
        List<Error> errors = errors(topic, json);
        assertThat(errors)
                .extracting(e -> e.getKeyword() + " at '" + e.getInstanceLocation() + "'")
                .contains(keyword + " at '" + location + "'");
        assertThat(rejectedByJava(topic, json)).as("rejected by the Java contract too").isEqualTo(javaRejectsToo);
    }

    private static boolean rejectedByJava(Topic<?, ?> topic, String json) {
        try {
            topic.valueSerde().deserializer().deserialize(topic.name(), json.getBytes(UTF_8));
            return false;
        } catch (SerializationException e) {
            return true;
        }
    }

    /** Validation errors of the annotating validator, after checking the asserting one agrees. */
    private static List<Error> errors(Topic<?, ?> topic, String json) {
        List<Error> annotating = schema(ANNOTATING, topic).validate(json, InputFormat.JSON);
        List<Error> asserting = schema(ASSERTING, topic).validate(json, InputFormat.JSON);
        assertThat(asserting.isEmpty())
                .as("format-asserting validator agrees; annotating: %s, asserting: %s", annotating, asserting)
                .isEqualTo(annotating.isEmpty());
        return annotating;
    }

    private static List<Error> errors(Topic<?, ?> topic, Object value) {
        return errors(topic, tree(topic, value).toString());
    }

    private static Schema schema(SchemaRegistry registry, Topic<?, ?> topic) {
        return registry.getSchema(PublicSchemas.forTopic(topic), InputFormat.JSON);
    }

    @SuppressWarnings("unchecked")
    private static <V> ObjectNode tree(Topic<?, V> topic, Object value) {
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), (V) value);
        return (ObjectNode) Json.mapper().readTree(bytes);
    }

    private static String mutate(ObjectNode root, String pointer, String value) {
        int slash = pointer.lastIndexOf('/');
        ObjectNode parent = (ObjectNode) (slash == 0 ? root : root.at(pointer.substring(0, slash)));
        String field = pointer.substring(slash + 1);
        if (value.equals(MISSING)) {
            parent.remove(field);
        } else {
            parent.set(field, Json.mapper().readTree(value));
        }
        return root.toString();
    }

    private static ClientIp randomIp(Random random) {
        if (random.nextBoolean()) {
            return ClientIp.fromBytes(new byte[] {(byte) random.nextInt(), (byte) random.nextInt(),
                    (byte) random.nextInt(), (byte) random.nextInt()});
        }
        byte[] b = new byte[16];
        // Zero some 16-bit groups so that every shape of "::" compression turns up.
        for (int group = 0; group < 8; group++) {
            if (random.nextInt(3) > 0) {
                b[2 * group] = (byte) random.nextInt();
                b[2 * group + 1] = (byte) random.nextInt();
            }
        }
        return ClientIp.fromBytes(b);
    }
}
