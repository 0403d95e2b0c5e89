package io.iptracking.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.json.Json;
import io.iptracking.common.testing.PostgresDatabase;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * CrowdSec's Local API for bouncers, as a bouncer uses it: a key made through the admin API, a
 * start-up stream with every ban, then only what changed; allowlisted addresses never banned. The
 * tests share one database: each uses ranges of its own.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class BouncersIT {

    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    static final PostgresDatabase DB = TestPostgres.newDatabase();

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        AdminTestProperties.register(registry, DB, KAFKA);
    }

    @LocalServerPort
    int port;

    ApiClient operator;

    @BeforeEach
    void clients() {
        operator = new ApiClient(port, ApiClient.OPERATOR_KEY);
    }

    @Test
    void aBouncerKeyIsShownOnceListedWithoutItAndRevoked() {
        String name = "fw-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(new ApiClient(port, ApiClient.VIEWER_KEY).post("/api/v1/bouncers", "{\"name\":\"" + name + "\"}").status())
                .isEqualTo(403);
        ApiClient.Response created = operator.post("/api/v1/bouncers", "{\"name\":\"" + name + "\"}");
        assertThat(created.status()).isEqualTo(201);
        String key = created.json().get("apiKey").asString();
        assertThat(key).startsWith("ipt_").hasSizeGreaterThan(40);
        assertThat(operator.post("/api/v1/bouncers", "{\"name\":\"" + name + "\"}").status()).as("a live name").isEqualTo(409);
        for (String bad : List.of("", "a b", "../x", "-x", "x".repeat(65), "é", "a\\u0000")) {
            ApiClient.Response r = operator.post("/api/v1/bouncers", "{\"name\":\"" + bad + "\"}");
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().get("field").asString()).isEqualTo("name");
        }
        ApiClient.Response listed = new ApiClient(port, ApiClient.VIEWER_KEY).get("/api/v1/bouncers");
        assertThat(listed.body()).contains(name).doesNotContain(key);

        assertThat(stream(key, true).statusCode()).isEqualTo(200);
        assertThat(operator.delete("/api/v1/bouncers/" + name).status()).isEqualTo(204);
        assertThat(stream(key, true).statusCode()).as("a revoked key").isEqualTo(403);
        ApiClient.Response again = operator.delete("/api/v1/bouncers/" + name);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.contentType()).startsWith("application/problem+json");
    }

    @Test
    void onlyABouncerKeyReadsDecisionsAndItReadsNothingElse() {
        String key = newBouncer();
        HttpResponse<String> anonymous = call("GET", "/v1/decisions/stream?startup=true", null);
        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(anonymous.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(call("GET", "/v1/decisions/stream?startup=true", ApiClient.OPERATOR_KEY).statusCode()).as("an admin key")
                .isEqualTo(403);
        assertThat(call("GET", "/v1/decisions/stream?startup=true", "x".repeat(10_000)).statusCode()).isEqualTo(403);
        assertThat(new ApiClient(port, key).get("/api/v1/blocks").status()).as("a bouncer key on the admin API").isEqualTo(401);
        assertThat(call("GET", "/v1/decisions/stream?startup=maybe", key).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/v1/decisions?ip=not-an-ip", key).statusCode()).isEqualTo(400);
        assertThat(call("POST", "/v1/usage-metrics", key).statusCode()).isEqualTo(201);
        HttpResponse<String> bearer = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/decisions?ip=192.0.2.1"))
                .header("Authorization", "Bearer " + ApiClient.OPERATOR_KEY).GET());
        assertThat(bearer.statusCode()).as("an admin key as a bearer token").isEqualTo(403);
        assertThat(call("HEAD", "/v1/decisions/stream?startup=maybe", key).statusCode()).as("HEAD checks the key only").isEqualTo(200);
        HttpResponse<String> head = call("HEAD", "/v1/decisions?ip=192.0.2.1", key);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void theStreamGivesEveryBanAtStartUpThenWhatChangedAndNeverAnAllowedAddress() {
        String key = newBouncer();
        block("192.0.2.10", "1h");
        block("198.51.100.0/24", null);
        block("2001:db8:10::/48", "2h");
        block("10.0.0.0/8", null);
        allow("10.1.0.0/16");
        allow("203.0.113.0/24");
        block("203.0.113.0/25", null);

        assertThat(call("HEAD", "/v1/decisions/stream", key).statusCode()).isEqualTo(200);
        JsonNode startup = json(stream(key, true));
        assertThat(values(startup.get("new"))).contains("192.0.2.10", "198.51.100.0/24", "2001:db8:10::/48", "10.0.0.0/16",
                "10.2.0.0/15", "10.128.0.0/9").doesNotContain("10.0.0.0/8", "203.0.113.0/25");
        assertThat(startup.get("deleted")).isEmpty();
        JsonNode ip = find(startup.get("new"), "192.0.2.10");
        assertThat(ip.get("scope").asString()).isEqualTo("Ip");
        assertThat(ip.get("type").asString()).isEqualTo("ban");
        assertThat(ip.get("origin").asString()).isEqualTo("ip-tracking");
        assertThat(ip.get("scenario").asString()).isEqualTo("it");
        assertThat(ip.get("duration").asString()).matches("(59m5[0-9]s|1h0m0s)");
        assertThat(UUID.fromString(ip.get("uuid").asString())).isNotNull();
        assertThat(find(startup.get("new"), "198.51.100.0/24").get("scope").asString()).isEqualTo("Range");

        JsonNode quiet = json(stream(key, false));
        assertThat(quiet.get("new")).isEmpty();
        assertThat(quiet.get("deleted")).isEmpty();

        assertThat(operator.delete("/api/v1/blocks/" + blockId("192.0.2.10")).status()).isEqualTo(200);
        block("192.0.2.11", "30m");
        allow("198.51.100.0/25");
        JsonNode delta = json(stream(key, false));
        assertThat(values(delta.get("new"))).containsExactlyInAnyOrder("192.0.2.11", "198.51.100.128/25");
        assertThat(values(delta.get("deleted"))).containsExactlyInAnyOrder("192.0.2.10", "198.51.100.0/24");
        assertThat(delta.get("deleted")).allSatisfy(d -> assertThat(d.get("duration").asString()).startsWith("-"));

        // Scopes: ip,range by default; one of them, or a scope this system has no decisions of.
        String other = newBouncer();
        assertThat(values(json(call("GET", "/v1/decisions/stream?startup=true&scopes=ip", other)).get("new")))
                .allMatch(v -> !v.contains("/"));
        assertThat(values(json(call("GET", "/v1/decisions/stream?startup=true&scopes=range", other)).get("new")))
                .allMatch(v -> v.contains("/"));
        assertThat(json(call("GET", "/v1/decisions/stream?startup=true&scopes=country", other)).get("new")).isEmpty();
    }

    @Test
    void instancesSharingAKeyEachGetEveryChangeAndARevocationForgetsWhatTheyHeld() throws IOException {
        String name = "shared-" + UUID.randomUUID().toString().substring(0, 8);
        String key = operator.post("/api/v1/bouncers", "{\"name\":\"" + name + "\"}").json().get("apiKey").asString();
        json(stream(key, true));
        assertThat(Json.mapper().readTree(rawGet("127.0.0.2", "/v1/decisions/stream?startup=true", key)).get("new")).isNotNull();
        block("192.0.2.150", "1h");

        assertThat(values(json(stream(key, false)).get("new"))).containsExactly("192.0.2.150");
        assertThat(values(Json.mapper().readTree(rawGet("127.0.0.2", "/v1/decisions/stream?startup=false", key)).get("new")))
                .as("the other instance, after the first took the change").containsExactly("192.0.2.150");

        assertThat(heldRows(name)).isPositive();
        assertThat(operator.delete("/api/v1/bouncers/" + name).status()).isEqualTo(204);
        assertThat(heldRows(name)).isZero();
    }

    @Test
    void aKeyPullsFromAtMost32AddressesEachWithItsOwnCursor() throws IOException {
        String key = newBouncer();
        for (int i = 2; i < 2 + 32; i++) {
            assertThat(rawGet("127.0.0." + i, "/v1/decisions/stream?startup=true", key)).contains("\"new\"");
        }
        String refused = rawRequest("127.0.0.40", "/v1/decisions/stream?startup=true", key);
        assertThat(refused).startsWith("HTTP/1.1 429").contains("urn:iptracking:problem:limit-reached");
        assertThat(rawGet("127.0.0.2", "/v1/decisions/stream", key)).as("an address it knows").contains("\"deleted\"");
    }

    @Test
    void anExpiredBlockIsDeletedAtTheNextPull() {
        String key = newBouncer();
        block("192.0.2.200", "1s");
        assertThat(values(json(stream(key, true)).get("new"))).contains("192.0.2.200");
        List<String> deleted = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
            deleted.addAll(values(json(stream(key, false)).get("deleted")));
            return deleted.contains("192.0.2.200");
        });
    }

    @Test
    void liveModeAnswersTheDecisionsCoveringAnIpOrNull() {
        String key = newBouncer();
        block("192.0.2.64/28", "1h");
        allow("192.0.2.72/29");
        JsonNode covering = json(call("GET", "/v1/decisions?ip=192.0.2.67", key));
        assertThat(values(covering)).containsExactly("192.0.2.64/29");
        assertThat(call("GET", "/v1/decisions?ip=192.0.2.73", key).body()).as("allowed").isEqualTo("null");
        assertThat(call("GET", "/v1/decisions?ip=2001:db8:ffff::1", key).body()).isEqualTo("null");
    }

    @Autowired
    JdbcClient jdbc;

    private long heldRows(String bouncer) {
        return jdbc.sql("select count(*) from bouncer_decision d join bouncer b on b.id = d.bouncer_id where b.name = :name")
                .param("name", bouncer).query(Long.class).single();
    }

    /** A GET over a socket bound to {@code source} (another loopback address: another instance of a bouncer); the body. */
    private String rawGet(String source, String path, String key) throws IOException {
        String response = rawRequest(source, path, key);
        assertThat(response).startsWith("HTTP/1.1 200");
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    /** The whole response, status line first. */
    private String rawRequest(String source, String path, String key) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + key
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String newBouncer() {
        return operator.post("/api/v1/bouncers", "{\"name\":\"b-" + UUID.randomUUID().toString().substring(0, 8) + "\"}").json()
                .get("apiKey").asString();
    }

    private void block(String cidr, String duration) {
        String body = "{\"cidr\":\"" + cidr + "\",\"reason\":\"it\"" + (duration == null ? "" : ",\"duration\":\"" + duration + "\"") + "}";
        ApiClient.Response r = operator.post("/api/v1/blocks", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private void allow(String cidr) {
        ApiClient.Response r = operator.post("/api/v1/allows", "{\"cidr\":\"" + cidr + "\",\"reason\":\"it\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private long blockId(String cidr) {
        return operator.get("/api/v1/blocks?contains=" + cidr).json().get("items").get(0).get("id").asLong();
    }

    private HttpResponse<String> stream(String key, boolean startup) {
        return call("GET", "/v1/decisions/stream?startup=" + startup, key);
    }

    private HttpResponse<String> call(String method, String path, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            request.header("X-Api-Key", key);
        }
        return send(request);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    private static List<String> values(JsonNode decisions) {
        List<String> values = new ArrayList<>();
        decisions.forEach(d -> values.add(d.get("value").asString()));
        return values;
    }

    private static JsonNode find(JsonNode decisions, String value) {
        for (JsonNode d : decisions) {
            if (d.get("value").asString().equals(value)) {
                return d;
            }
        }
        throw new AssertionError(value + " not in " + decisions);
    }
}
