package io.iptracking.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.Geo;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.testing.ContractSamples;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

class JsonTest {

    private static final JsonMapper JSON = Json.mapper();

    /** The exact wire shape of a FlaggedIp: field order, instant text, nested objects, map key order. */
    static final String FLAGGED_IP_JSON = """
            {"schemaVersion":1,"flagId":"3f1c2b7e-8a4d-4e2f-9b61-0c5d7e8f9a10","ip":"203.0.113.7",\
            "rule":"SCANNING","reason":"203.0.113.7 requested 412 distinct paths in one hour, 96% of them answered 404.",\
            "severity":"HIGH","score":0.93,"windowStart":"2026-05-04T09:15:30.250Z","windowEnd":"2026-05-04T10:15:30.250Z",\
            "requestCount":540,"evidence":{"counts":{"distinctPaths":412,"requests":540},"thresholds":{"distinctPaths":200.0},\
            "samplePaths":["/.env","/wp-login.php"],"statusCounts":{"200":22,"404":518}},\
            "geo":{"countryCode":"NL","countryName":"Netherlands","city":"Amsterdam","latitude":52.37,"longitude":4.89,\
            "asn":64496,"asOrganization":"Example Hosting B.V.","privateAddress":false},\
            "detectedAt":"2026-05-04T10:15:31.002Z"}""";

    static final String LIST_ENTRY_JSON = """
            {"schemaVersion":1,"cidr":"198.51.100.0/24","action":"BLOCK","reason":"Credential stuffing against /login",\
            "source":"MANUAL","createdBy":"alice","createdAt":"2026-05-04T10:20:00Z","expiresAt":"2026-05-11T10:20:00Z"}""";

    static Stream<Object> samples() {
        return Stream.of(ContractSamples.requestEvent(), ContractSamples.enrichedRequestEvent(),
                ContractSamples.flaggedIp(), ContractSamples.flaggedNetwork(), ContractSamples.listEntry(),
                ContractSamples.geo(), Geo.UNKNOWN);
    }

    @Test
    void flaggedIpHasTheDocumentedShape() {
        assertThat(JSON.writeValueAsString(ContractSamples.flaggedIp())).isEqualTo(FLAGGED_IP_JSON);
    }

    @Test
    void aFlaggedNetworkIsTheLastFieldAndAbsentWithoutOne() {
        assertThat(JSON.writeValueAsString(ContractSamples.flaggedNetwork()))
                .endsWith(",\"detectedAt\":\"2026-05-04T10:15:31.002Z\",\"network\":\"2001:db8:7:7::/64\"}");
        assertThat(FLAGGED_IP_JSON).doesNotContain("network");
    }

    @Test
    void aFlagWrittenWithoutNetworkReadsWithoutOne() {
        assertThat(JSON.readValue(FLAGGED_IP_JSON, FlaggedIp.class).network()).isNull();
        String explicitNull = FLAGGED_IP_JSON.replace("\"detectedAt\"", "\"network\":null,\"detectedAt\"");
        assertThat(JSON.readValue(explicitNull, FlaggedIp.class)).isEqualTo(ContractSamples.flaggedIp());
    }

    @Test
    void aFlaggedNetworkThatDoesNotHoldTheIpCannotBeRead() {
        String json = FLAGGED_IP_JSON.replace("\"detectedAt\"", "\"network\":\"198.51.100.0/24\",\"detectedAt\"");
        assertThatThrownBy(() -> JSON.readValue(json, FlaggedIp.class))
                .isInstanceOf(JacksonException.class)
                .hasMessageContaining("FlaggedIp.network 198.51.100.0/24 does not contain FlaggedIp.ip 203.0.113.7");
    }

    @Test
    void listEntryHasTheDocumentedShape() {
        assertThat(JSON.writeValueAsString(ContractSamples.listEntry())).isEqualTo(LIST_ENTRY_JSON);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void roundTripsToAnEqualValue(Object sample) {
        String json = JSON.writeValueAsString(sample);
        assertThat(JSON.readValue(json, sample.getClass())).isEqualTo(sample);
    }

    @Test
    void nullFieldsAreOmittedNotWrittenAsNull() {
        String json = JSON.writeValueAsString(new EnrichedRequestEvent(ContractSamples.requestEvent(), Geo.UNKNOWN));
        assertThat(json)
                .doesNotContain("null")
                .doesNotContain("\"subject\"")
                .doesNotContain("\"rule\"")
                .endsWith("\"geo\":{\"privateAddress\":false}}");
    }

    @Test
    void anExplicitNullIsReadAsAbsent() {
        String json = LIST_ENTRY_JSON.replace("\"expiresAt\":\"2026-05-11T10:20:00Z\"", "\"expiresAt\":null");
        assertThat(JSON.readValue(json, ListEntry.class).expiresAt()).isNull();
    }

    @Test
    void unknownFieldsAreIgnoredAtEveryLevel() {
        String json = FLAGGED_IP_JSON
                .replace("{\"schemaVersion\":1,", "{\"schemaVersion\":2,\"tenant\":\"acme\",\"labels\":{\"a\":[1,2]},")
                .replace("\"privateAddress\":false", "\"privateAddress\":false,\"isp\":\"Example\"")
                .replace("\"samplePaths\":", "\"userAgents\":[\"curl\"],\"samplePaths\":");
        FlaggedIp read = JSON.readValue(json, FlaggedIp.class);
        assertThat(read.schemaVersion()).isEqualTo(2);
        assertThat(new FlaggedIp(1, read.flagId(), read.ip(), read.rule(), read.reason(), read.severity(), read.score(),
                read.windowStart(), read.windowEnd(), read.requestCount(), read.evidence(), read.geo(), read.detectedAt()))
                .isEqualTo(ContractSamples.flaggedIp());
    }

    @Test
    void anUnknownFlagRuleIsReadAsUnknown() {
        String json = FLAGGED_IP_JSON.replace("\"rule\":\"SCANNING\"", "\"rule\":\"TOR_EXIT\"");
        assertThat(JSON.readValue(json, FlaggedIp.class).rule()).isEqualTo(FlagRule.UNKNOWN);
    }

    @Test
    void anUnknownFlagRuleIsReadAsUnknownByAnUnconfiguredMapperToo() {
        String json = FLAGGED_IP_JSON.replace("\"rule\":\"SCANNING\"", "\"rule\":\"TOR_EXIT\"");
        assertThat(JsonMapper.builder().build().readValue(json, FlaggedIp.class).rule()).isEqualTo(FlagRule.UNKNOWN);
    }

    @Test
    void otherUnknownEnumValuesAreErrors() {
        String json = FLAGGED_IP_JSON.replace("\"severity\":\"HIGH\"", "\"severity\":\"SEVERE\"");
        assertThatThrownBy(() -> JSON.readValue(json, FlaggedIp.class))
                .isInstanceOf(JacksonException.class)
                .hasMessageContaining("SEVERE")
                .hasMessageContaining("Severity");
    }

    @Test
    void enumsAreNotReadFromNumbers() {
        String json = LIST_ENTRY_JSON.replace("\"action\":\"BLOCK\"", "\"action\":0");
        assertThatThrownBy(() -> JSON.readValue(json, ListEntry.class))
                .isInstanceOf(JacksonException.class)
                .hasMessageContaining("ListAction");
    }

    @Test
    void aMissingRequiredFieldNamesTheField() {
        String json = LIST_ENTRY_JSON.replace("\"cidr\":\"198.51.100.0/24\",", "");
        assertThatThrownBy(() -> JSON.readValue(json, ListEntry.class))
                .isInstanceOf(JacksonException.class)
                .hasMessageContaining("ListEntry.cidr must not be null");
    }

    @Test
    void aMissingSchemaVersionIsAnError() {
        String json = LIST_ENTRY_JSON.replace("\"schemaVersion\":1,", "");
        assertThatThrownBy(() -> JSON.readValue(json, ListEntry.class))
                .isInstanceOf(JacksonException.class)
                .hasMessageContaining("Missing required creator property 'schemaVersion'");
    }

    @Test
    void requestKeepsItsOwnSchemaVersionInsideTheEnrichedEvent() {
        String json = JSON.writeValueAsString(ContractSamples.enrichedRequestEvent());
        assertThat(json).startsWith("{\"schemaVersion\":1,\"request\":{\"schemaVersion\":1,\"eventId\":");
        assertThat(JSON.readValue(json, EnrichedRequestEvent.class).request()).isEqualTo(ContractSamples.requestEvent());
    }

    @Test
    void instantsKeepNanosecondsAndAcceptAnOffset() {
        String json = JSON.writeValueAsString(ContractSamples.requestEvent())
                .replace("\"2026-05-04T10:15:30.250Z\"", "\"2026-05-04T12:15:30.123456789+02:00\"");
        assertThat(JSON.readValue(json, RequestEvent.class).timestamp()).hasToString("2026-05-04T10:15:30.123456789Z");
    }
}
