package io.iptracking.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.InvalidIpException;
import io.iptracking.common.testing.PostgresDatabase;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.TestPostgres;
import java.net.http.HttpRequest;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * One fixture per bad request, each with the exact status, problem type and (for invalid fields)
 * the field and reason. Nothing here may ever answer 500.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class BadRequestsIT {

    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    static final PostgresDatabase DB = TestPostgres.newDatabase();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        AdminTestProperties.register(registry, DB, KAFKA);
    }

    static final String OPERATOR = ApiClient.OPERATOR_KEY;
    static final String VIEWER = ApiClient.VIEWER_KEY;
    static final String JSON = "application/json";
    static final String INVALID = "urn:iptracking:problem:invalid-field";
    static final String MALFORMED = "urn:iptracking:problem:malformed-body";

    /**
     * @param field and reason: expected for invalid-field problems, null otherwise
     */
    record Fixture(String name, String method, String path, String key, String contentType, String body, int status,
            String type, String field, String reason) {

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Fixture> fixtures() {
        return Stream.of(
                post("IPv4 with a leading zero", "{\"cidr\":\"010.0.0.1\",\"reason\":\"r\"}", "cidr", cidrReason("010.0.0.1")),
                post("IPv4 prefix /33", "{\"cidr\":\"10.0.0.0/33\",\"reason\":\"r\"}", "cidr", cidrReason("10.0.0.0/33")),
                post("IPv6 prefix /129", "{\"cidr\":\"2001:db8::/129\",\"reason\":\"r\"}", "cidr", cidrReason("2001:db8::/129")),
                post("host name", "{\"cidr\":\"example.com\",\"reason\":\"r\"}", "cidr", cidrReason("example.com")),
                post("zone id", "{\"cidr\":\"fe80::1%eth0\",\"reason\":\"r\"}", "cidr", cidrReason("fe80::1%eth0")),
                post("netmask", "{\"cidr\":\"10.0.0.0/255.0.0.0\",\"reason\":\"r\"}", "cidr", cidrReason("10.0.0.0/255.0.0.0")),
                post("number for an IP", "{\"cidr\":5,\"reason\":\"r\"}", "cidr", cidrReason("5")),
                post("missing cidr", "{\"reason\":\"r\"}", "cidr", "is required: an IP address or a CIDR range"),
                post("missing reason", "{\"cidr\":\"192.0.2.1\"}", "reason", "is required: say why, for whoever finds the entry later"),
                post("blank reason", "{\"cidr\":\"192.0.2.1\",\"reason\":\"  \"}", "reason", "is required: say why, for whoever finds the entry later"),
                post("reason too long", "{\"cidr\":\"192.0.2.1\",\"reason\":\"" + "x".repeat(501) + "\"}", "reason", "is longer than 500 characters"),
                post("reason with a line break", "{\"cidr\":\"192.0.2.1\",\"reason\":\"a\\nb\"}", "reason",
                        "must not contain control characters or line breaks"),
                post("expiry in the past", "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}",
                        "expiresAt", "is not in the future"),
                post("expiry not an instant", "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"expiresAt\":\"tomorrow\"}",
                        "expiresAt", "is not an ISO-8601 instant such as 2030-01-31T12:00:00Z"),
                post("duration and expiry", "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"duration\":\"1h\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}",
                        "expiresAt", "give either duration or expiresAt, not both"),
                post("duration not a duration", "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"duration\":\"forever\"}",
                        "duration", "'forever' is not a duration; use e.g. 30m, 24h, 7d or PT24H"),
                post("zero duration", "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"duration\":\"0s\"}", "duration", "must be positive"),
                post("unknown field", "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"durtion\":\"1h\"}", "durtion", "is not a field of this request"),
                new Fixture("malformed JSON", "POST", "/api/v1/blocks", OPERATOR, JSON, "{\"cidr\":", 400, MALFORMED, null, null),
                new Fixture("empty body", "POST", "/api/v1/blocks", OPERATOR, JSON, "", 400, MALFORMED, null, null),
                new Fixture("array body", "POST", "/api/v1/allows", OPERATOR, JSON, "[]", 400, MALFORMED, null, null),
                new Fixture("wrong content type", "POST", "/api/v1/blocks", OPERATOR, "text/plain", "cidr=1.2.3.4", 415, "about:blank", null, null),
                new Fixture("body over the limit", "POST", "/api/v1/blocks", OPERATOR, JSON,
                        "{\"cidr\":\"192.0.2.1\",\"reason\":\"" + "x".repeat(20_000) + "\"}", 413, "urn:iptracking:problem:body-too-large", null, null),
                new Fixture("method not allowed", "PUT", "/api/v1/blocks", OPERATOR, JSON, "{}", 405, "about:blank", null, null),
                get("unknown path", "/api/v1/nothing-here", 404, "urn:iptracking:problem:not-found"),
                get("unknown entry", "/api/v1/blocks/987654", 404, "urn:iptracking:problem:not-found"),
                new Fixture("delete an unknown entry", "DELETE", "/api/v1/allows/987654", OPERATOR, null, null, 404,
                        "urn:iptracking:problem:not-found", null, null),
                getInvalid("entry id not a number", "/api/v1/blocks/abc", "id", "'abc' is not a valid long"),
                getInvalid("unknown status filter", "/api/v1/blocks?status=bogus", "status", "'bogus' is not one of active, expired, all"),
                getInvalid("unknown source filter", "/api/v1/allows?source=robot", "source", "'robot' is not one of manual, auto, cli"),
                getInvalid("contains not an IP", "/api/v1/blocks?contains=1.2.3", "contains", ipReason("1.2.3")),
                getInvalid("contains a CIDR", "/api/v1/blocks?contains=10.0.0.0/8", "contains", ipReason("10.0.0.0/8")),
                getInvalid("page size zero", "/api/v1/blocks?size=0", "size", "must be between 1 and 500"),
                getInvalid("page size too large", "/api/v1/blocks?size=100000", "size", "must be between 1 and 500"),
                getInvalid("negative page", "/api/v1/blocks?page=-1", "page", "must be 0 or more"),
                getInvalid("page not a number", "/api/v1/blocks?page=x", "page", "'x' is not a valid int"),
                getInvalid("lookup of a non-IP", "/api/v1/ips/not-an-ip", "ip", ipReason("not-an-ip")),
                getInvalid("unknown severity", "/api/v1/flagged?minSeverity=huge", "minSeverity", "'huge' is not one of low, medium, high, critical"),
                getInvalid("since not an instant", "/api/v1/flagged?since=yesterday", "since",
                        "'yesterday' is not an ISO-8601 instant such as 2030-01-31T12:00:00Z"),
                getInvalid("report range reversed", "/api/v1/reports/summary?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
                        "to", "must be after from"),
                getInvalid("report range too long", "/api/v1/reports/traffic?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
                        "from", "the range is longer than 400 days"),
                getInvalid("report limit zero", "/api/v1/reports/top-clients?limit=0", "limit", "must be between 1 and 1000"),
                new Fixture("no API key", "GET", "/api/v1/blocks", null, null, null, 401, "urn:iptracking:problem:unauthorized", null, null),
                new Fixture("unknown API key", "GET", "/api/v1/blocks", "not-a-key", null, null, 401,
                        "urn:iptracking:problem:unauthorized", null, null),
                new Fixture("anonymous unknown path", "GET", "/api/v1/nothing-here", null, null, null, 401,
                        "urn:iptracking:problem:unauthorized", null, null),
                new Fixture("viewer creates a block", "POST", "/api/v1/blocks", VIEWER, JSON, "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\"}",
                        403, "urn:iptracking:problem:forbidden", null, null),
                new Fixture("viewer deletes an entry", "DELETE", "/api/v1/blocks/1", VIEWER, null, null, 403,
                        "urn:iptracking:problem:forbidden", null, null),
                new Fixture("viewer erases data", "DELETE", "/api/v1/ips/192.0.2.1/data", VIEWER, null, null, 403,
                        "urn:iptracking:problem:forbidden", null, null));
    }

    @LocalServerPort
    int port;

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void answersWithTheExactProblem(Fixture f) {
        ApiClient client = new ApiClient(port, f.key());
        ApiClient.Response response = client.send(f.method(), f.path(), f.contentType(),
                f.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(f.body()));

        assertThat(response.status()).as(response.toString()).isEqualTo(f.status());
        assertThat(response.contentType()).as(response.toString()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("status").asInt()).isEqualTo(f.status());
        // RFC 9457: an absent type means about:blank (the status says it all).
        assertThat(problem.has("type") ? problem.get("type").asString() : "about:blank").isEqualTo(f.type());
        if (f.field() != null) {
            assertThat(problem.get("field").asString()).isEqualTo(f.field());
            assertThat(problem.get("reason").asString()).isEqualTo(f.reason());
            assertThat(problem.get("detail").asString()).isEqualTo(f.field() + ": " + f.reason());
        }
    }

    private static Fixture post(String name, String body, String field, String reason) {
        return new Fixture(name, "POST", "/api/v1/blocks", OPERATOR, JSON, body, 400, INVALID, field, reason);
    }

    private static Fixture get(String name, String path, int status, String type) {
        return new Fixture(name, "GET", path, VIEWER, null, null, status, type, null, null);
    }

    private static Fixture getInvalid(String name, String path, String field, String reason) {
        return new Fixture(name, "GET", path, VIEWER, null, null, 400, INVALID, field, reason);
    }

    /** The parser's own reason, so the test pins that the API passes it through unchanged. */
    private static String cidrReason(String text) {
        try {
            Cidr.parse(text);
        } catch (InvalidIpException e) {
            return e.reason();
        }
        throw new AssertionError(text + " parses");
    }

    private static String ipReason(String text) {
        try {
            ClientIp.parse(text);
        } catch (InvalidIpException e) {
            return e.reason();
        }
        throw new AssertionError(text + " parses");
    }
}
