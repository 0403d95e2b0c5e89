package io.iptracking.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.InvalidIpException;
import io.iptracking.common.testing.PostgresDatabase;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.TestPostgres;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
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

        /** Targets {@link java.net.URI} would refuse or rewrite go over a plain socket. */
        boolean raw() {
            return type.equals("urn:iptracking:problem:malformed-request");
        }

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
                reason("a line break", "\\n", "U+000A"),
                reason("a NUL", "\\u0000", "U+0000"),
                reason("a tab", "\\t", "U+0009"),
                reason("DEL", "\\u007f", "U+007F"),
                reason("a C1 next-line", "\\u0085", "U+0085"),
                reason("a Unicode line separator", "\\u2028", "U+2028"),
                reason("a Unicode paragraph separator", "\\u2029", "U+2029"),
                reason("a right-to-left override", "\\u202e", "U+202E"),
                reason("a bidirectional isolate", "\\u2066", "U+2066"),
                reason("half a surrogate pair", "\\ud800", "U+D800"),
                reason("a zero-width space", "\\u200b", "U+200B"),
                reason("a byte-order mark", "\\ufeff", "U+FEFF"),
                reason("a tag character", "\\udb40\\udc41", "U+E0041"),
                post("expiry in the past", "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}",
                        "expiresAt", "is not in the future"),
                post("expiry not an instant", "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"expiresAt\":\"tomorrow\"}",
                        "expiresAt", "'tomorrow' is not an ISO-8601 instant such as 2030-01-31T12:00:00Z"),
                expiry("+300000-01-01T00:00:00Z", "'+300000-01-01T00:00:00Z' is outside the years 0001 to 9999"),
                expiry("+1000000000-12-31T23:59:59Z", "'+1000000000-12-31T23:59:59Z' is outside the years 0001 to 9999"),
                expiry("9999-12-31T23:59:59Z", "is more than 10 years ahead; leave it out for a permanent entry"),
                post("duration and expiry", "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"duration\":\"1h\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}",
                        "expiresAt", "give either duration or expiresAt, not both"),
                post("duration not a duration", "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"duration\":\"forever\"}",
                        "duration", "'forever' is not a duration; use e.g. 30m, 24h, 7d or PT24H"),
                post("duration of 2^63 days", "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"duration\":\"9223372036854775807d\"}",
                        "duration", "'9223372036854775807d' is not a duration; use e.g. 30m, 24h, 7d or PT24H"),
                post("ISO duration beyond a long of seconds", "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"duration\":\"PT9999999999999999999H\"}",
                        "duration", "'PT9999999999999999999H' is not a duration; use e.g. 30m, 24h, 7d or PT24H"),
                post("duration over 10 years", "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"duration\":\"3651d\"}",
                        "duration", "is longer than 10 years; leave it out for a permanent entry"),
                post("zero duration", "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"duration\":\"0s\"}", "duration", "must be positive"),
                post("unknown field", "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"durtion\":\"1h\"}", "durtion", "is not a field of this request"),
                new Fixture("a field twice", "POST", "/api/v1/blocks", OPERATOR, JSON,
                        "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"cidr\":\"0.0.0.0/0\"}", 400, MALFORMED, null, null),
                new Fixture("nested 100,000 deep", "POST", "/api/v1/blocks", OPERATOR, JSON, "[".repeat(100_000), 413,
                        "urn:iptracking:problem:body-too-large", null, null),
                new Fixture("nested 5,000 deep", "POST", "/api/v1/blocks", OPERATOR, JSON,
                        "[".repeat(5_000) + "]".repeat(5_000), 400, MALFORMED, null, null),
                new Fixture("JSON null", "POST", "/api/v1/blocks", OPERATOR, JSON, "null", 400, MALFORMED, null, null),
                new Fixture("malformed JSON", "POST", "/api/v1/blocks", OPERATOR, JSON, "{\"cidr\":", 400, MALFORMED, null, null),
                new Fixture("empty body", "POST", "/api/v1/blocks", OPERATOR, JSON, "", 400, MALFORMED, null, null),
                new Fixture("array body", "POST", "/api/v1/allows", OPERATOR, JSON, "[]", 400, MALFORMED, null, null),
                new Fixture("wrong content type", "POST", "/api/v1/blocks", OPERATOR, "text/plain", "cidr=1.2.3.4", 415, "about:blank", null, null),
                new Fixture("body over the limit", "POST", "/api/v1/blocks", OPERATOR, JSON,
                        "{\"cidr\":\"192.0.2.1\",\"reason\":\"" + "x".repeat(20_000) + "\"}", 413, "urn:iptracking:problem:body-too-large", null, null),
                new Fixture("method not allowed", "PUT", "/api/v1/blocks", OPERATOR, JSON, "{}", 405, "about:blank", null, null),
                get("unknown path", "/api/v1/nothing-here", 404, "urn:iptracking:problem:not-found"),
                get("the error page asked directly", "/error", 404, "urn:iptracking:problem:not-found"),
                get("unknown entry", "/api/v1/blocks/987654", 404, "urn:iptracking:problem:not-found"),
                new Fixture("delete an unknown entry", "DELETE", "/api/v1/allows/987654", OPERATOR, null, null, 404,
                        "urn:iptracking:problem:not-found", null, null),
                getInvalid("entry id not a number", "/api/v1/blocks/abc", "id", "'abc' is not a valid long"),
                getInvalid("entry id beyond a long", "/api/v1/blocks/99999999999999999999", "id",
                        "'99999999999999999999' is not a valid long"),
                getInvalid("page beyond an int", "/api/v1/flagged?page=2147483648", "page", "'2147483648' is not a valid int"),
                getInvalid("audit subject with a NUL", "/api/v1/audit?subject=a%00b", "subject",
                        "must not contain control characters or line breaks (found U+0000)"),
                getInvalid("audit subject too long", "/api/v1/audit?subject=" + "1".repeat(101), "subject", "is longer than 100 characters"),
                rejected("lookup of a zone id (an encoded %)", "GET", "/api/v1/ips/fe80::1%25eth0", VIEWER),
                rejected("lookup with CR LF", "GET", "/api/v1/ips/192.0.2.1%0d%0aX-Injected:%201", VIEWER),
                rejected("a double slash", "GET", "/api/v1//blocks", VIEWER),
                rejected("a path parameter", "GET", "/api/v1/blocks;jsessionid=x", VIEWER),
                getInvalid("lookup of an empty flag filter", "/api/v1/flagged?ip=", "ip", "is required: an IP address"),
                rejected("encoded slash", "GET", "/api/v1/ips/..%2f..", VIEWER),
                rejected("encoded slash in an erasure", "DELETE", "/api/v1/ips/..%2f../data", OPERATOR),
                rejected("encoded NUL", "GET", "/api/v1/blocks/%00", VIEWER),
                rejected("bad percent escape", "GET", "/api/v1/ips/%ZZ", VIEWER),
                rejected("bad percent escape, no key", "GET", "/api/v1/ips/%ZZ", null),
                rejected("encoded backslash", "GET", "/api/v1/ips/..%5c..", VIEWER),
                rejected("path outside the root", "GET", "/../../etc/passwd", VIEWER),
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
                getInvalid("flags since year 300000", "/api/v1/flagged?since=%2B300000-01-01T00:00:00Z", "since",
                        "'+300000-01-01T00:00:00Z' is outside the years 0001 to 9999"),
                getInvalid("flags until year -300000", "/api/v1/flagged?until=-300000-01-01T00:00:00Z", "until",
                        "'-300000-01-01T00:00:00Z' is outside the years 0001 to 9999"),
                getInvalid("report range reversed", "/api/v1/reports/summary?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
                        "to", "must be after from"),
                getInvalid("report range too long", "/api/v1/reports/traffic?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
                        "from", "the range is longer than 400 days"),
                getInvalid("report limit zero", "/api/v1/reports/top-clients?limit=0", "limit", "must be between 1 and 1000"),
                getInvalid("timeline per minute over 7 days", "/api/v1/reports/timeline?from=2026-01-01T00:00:00Z&to=2026-01-08T00:00:00Z"
                        + "&step=minute", "step", "minute is for a range of 24 hours at most; use hour"),
                getInvalid("flags sorted at random", "/api/v1/flagged?sort=random", "sort", "'random' is not one of detected, score, severity"),
                getInvalid("timeline per week", "/api/v1/reports/timeline?step=week", "step", "'week' is not one of minute, hour"),
                getInvalid("flag timeline per second", "/api/v1/reports/flag-timeline?step=second", "step",
                        "'second' is not one of minute, hour"),
                getInvalid("flag timeline per minute over 2 days", "/api/v1/reports/flag-timeline?from=2026-01-01T00:00:00Z"
                        + "&to=2026-01-03T00:00:00Z&step=MINUTE", "step", "minute is for a range of 24 hours at most; use hour"),
                getInvalid("top networks limit too high", "/api/v1/reports/top-networks?limit=1001", "limit", "must be between 1 and 1000"),
                new Fixture("viewer registers a webhook", "POST", "/api/v1/webhooks", VIEWER, JSON,
                        "{\"url\":\"https://203.0.113.9/\",\"events\":[\"flag.raised\"]}", 403, "urn:iptracking:problem:forbidden", null,
                        null),
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

    /** Every report takes the same range, and none may answer 500 to an instant PostgreSQL cannot hold. */
    static Stream<Fixture> reportRanges() {
        return Stream.of("summary", "top-clients", "top-countries", "top-networks", "traffic", "timeline", "flag-timeline",
                "sensitive-paths").flatMap(report -> Stream.of(
                getInvalid(report + " from year 300000", "/api/v1/reports/" + report + "?from=%2B300000-01-01T00:00:00Z", "from",
                        "'+300000-01-01T00:00:00Z' is outside the years 0001 to 9999"),
                getInvalid(report + " to year -1000000000", "/api/v1/reports/" + report + "?to=-1000000000-01-01T00:00:00Z", "to",
                        "'-1000000000-01-01T00:00:00Z' is outside the years 0001 to 9999")));
    }

    static Stream<Fixture> corpus() {
        return Stream.concat(fixtures(), reportRanges());
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void answersWithTheExactProblemAndChangesNothing(Fixture f) {
        ApiClient client = new ApiClient(port, f.key());
        String before = tables();
        ApiClient.Response response = f.raw() ? client.raw(f.method(), f.path()) : client.send(f.method(), f.path(), f.contentType(),
                f.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(f.body()));
        assertThat(tables()).as("every table unchanged").isEqualTo(before);

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

    @Test
    void theCorpusCoversAtLeastSixtyBadRequests() {
        assertThat(corpus().count()).isGreaterThanOrEqualTo(60);
    }

    /** Every row of every table of the service, as text: equal before and after means nothing changed. */
    private String tables() {
        List<String> names = jdbc.sql("select table_name from information_schema.tables where table_schema = current_schema()"
                + " and table_type = 'BASE TABLE' order by table_name").query(String.class).list();
        assertThat(names).contains("list_entry", "audit_log", "flagged_ip", "request_log_default");
        return names.stream().map(table -> table + ":" + jdbc.sql("select count(*) || ' ' || coalesce(md5(string_agg(r::text, '|'"
                + " order by r::text)), '') from " + table + " r").query(String.class).single()).collect(Collectors.joining(", "));
    }

    private static Fixture post(String name, String body, String field, String reason) {
        return new Fixture(name, "POST", "/api/v1/blocks", OPERATOR, JSON, body, 400, INVALID, field, reason);
    }

    private static Fixture reason(String name, String jsonEscape, String codePoint) {
        return post("reason with " + name, "{\"cidr\":\"192.0.2.1\",\"reason\":\"a" + jsonEscape + "b\"}", "reason",
                "must not contain control characters or line breaks (found " + codePoint + ")");
    }

    private static Fixture expiry(String expiresAt, String reason) {
        return post("expiry " + expiresAt, "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\",\"expiresAt\":\"" + expiresAt + "\"}",
                "expiresAt", reason);
    }

    /** A target the server refuses before any controller: sent byte for byte. */
    private static Fixture rejected(String name, String method, String target, String key) {
        return new Fixture(name, method, target, key, null, null, 400, "urn:iptracking:problem:malformed-request", null, null);
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
