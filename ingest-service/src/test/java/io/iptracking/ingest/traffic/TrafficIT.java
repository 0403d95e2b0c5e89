package io.iptracking.ingest.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.testing.FreePorts;
import io.iptracking.common.event.Decision;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.event.Mode;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.Cidr;
import io.iptracking.ingest.lists.ClientLists;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;

/**
 * The traffic port over real HTTP: Jetty's proxy against a real upstream server, and the forward-auth
 * dialects. Lists and limits are in memory here; {@code EdgeIT} covers Kafka and Redis.
 */
class TrafficIT {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private final StubUpstream upstream = StubUpstream.start();
    private final HttpClient trusted = HttpClient.newBuilder().localAddress(loopback("127.0.0.1")).build();
    private InMemoryEdge edge;
    private ClientLists lists;
    private List<RequestEvent> events;
    private TrafficServer server;

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
        upstream.close();
    }

    private void start(Mode mode, String upstreamUrl, Duration responseTimeout) {
        edge = new InMemoryEdge(mode, upstreamUrl, responseTimeout, Clock.fixed(NOW, java.time.ZoneOffset.UTC));
        lists = edge.lists;
        events = edge.events;
        server = edge.server;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return trusted.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(10));
    }

    @Test
    void proxiesWithForwardingHeadersAndRecordsTheEvent() {
        start(Mode.PROXY, upstream.url(), Duration.ofSeconds(5));
        HttpResponse<String> response = send(get("/a/b?x=1&y=2").header("X-Forwarded-For", "203.0.113.50")
                .header("X-Custom", "kept").header("User-Agent", "curl/8")
                .header("Keep-Alive", "timeout=99").header("X-Real-IP", "192.0.2.66"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello");
        assertThat(response.headers().firstValue("X-Seen-Path")).contains("/a/b");
        assertThat(response.headers().firstValue("X-Seen-Query")).contains("x=1&y=2");
        assertThat(response.headers().firstValue("X-Seen-X-Forwarded-For")).contains("203.0.113.50, 127.0.0.1");
        assertThat(response.headers().firstValue("X-Seen-X-Real-IP")).as("the edge's client IP, not the client's claim")
                .contains("203.0.113.50");
        assertThat(response.headers().firstValue("X-Seen-X-Forwarded-Proto")).contains("http");
        assertThat(response.headers().firstValue("X-Seen-X-Forwarded-Host")).contains("127.0.0.1:" + server.port());
        assertThat(response.headers().firstValue("X-Seen-Keep-Alive")).as("hop-by-hop header from the client").contains("-");
        assertThat(response.headers().firstValue("X-Seen-X-Custom")).contains("kept");
        assertThat(response.headers().firstValue("Keep-Alive")).as("hop-by-hop header from upstream").isEmpty();

        await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty());
        RequestEvent event = events.get(0);
        assertThat(event.ip()).hasToString("203.0.113.50");
        assertThat(event.path()).isEqualTo("/a/b");
        assertThat(event.method()).isEqualTo("GET");
        assertThat(event.status()).isEqualTo(200);
        assertThat(event.latencyMs()).isNotNull().isNotNegative();
        assertThat(event.decision()).isEqualTo(Decision.ALLOWED);
        assertThat(event.mode()).isEqualTo(Mode.PROXY);
        assertThat(event.userAgent()).isEqualTo("curl/8");
        assertThat(Duration.between(event.timestamp(), NOW))
                .isBetween(Duration.ofMillis(event.latencyMs()), Duration.ofMillis(event.latencyMs() + 1));
    }

    @Test
    void streamsLargeBodiesBothWays() {
        start(Mode.PROXY, upstream.url(), Duration.ofSeconds(5));
        String big = "x".repeat(5_000_000);
        HttpResponse<String> response = send(get("/echo").POST(HttpRequest.BodyPublishers.ofString(big)));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(big.length()).isEqualTo(big);
    }

    @Test
    void answers502WhenTheUpstreamIsDownAnd504WhenItIsTooSlow() throws IOException {
        int closedPort = FreePorts.one();
        start(Mode.PROXY, "http://127.0.0.1:" + closedPort, Duration.ofSeconds(5));
        assertThat(send(get("/x")).statusCode()).isEqualTo(502);
        edge.close();

        start(Mode.PROXY, upstream.url(), Duration.ofMillis(500));
        assertThat(send(get("/slow")).statusCode()).isEqualTo(504);
        await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e -> Integer.valueOf(504).equals(e.status())));
        RequestEvent timedOut = events.stream().filter(e -> Integer.valueOf(504).equals(e.status())).findFirst().orElseThrow();
        assertThat(timedOut.latencyMs()).isGreaterThanOrEqualTo(500);
        // Stamped when the request arrived, not when the edge gave up on the upstream (the test clock
        // stands still at NOW, so the event is stamped its latency before NOW).
        assertThat(Duration.between(timedOut.timestamp(), NOW))
                .isBetween(Duration.ofMillis(timedOut.latencyMs()), Duration.ofMillis(timedOut.latencyMs() + 1));
    }

    @Test
    void refusesBlockedClientsWithoutReachingTheUpstream() {
        start(Mode.PROXY, upstream.url(), Duration.ofSeconds(5));
        lists.apply(Cidr.parse("198.51.100.0/24"), new ListEntry(Cidr.parse("198.51.100.0/24"), ListAction.BLOCK,
                "test", ListSource.MANUAL, "it", NOW.minusSeconds(60), null));
        HttpResponse<String> response = send(get("/a").header("X-Forwarded-For", "198.51.100.7"));
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).isEqualTo("Forbidden\n");
        assertThat(response.headers().firstValue("X-Seen-Path")).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty());
        assertThat(events.get(0).decision()).isEqualTo(Decision.BLOCKED);
        assertThat(events.get(0).rule()).isEqualTo("blocklist:198.51.100.0/24");
        assertThat(events.get(0).status()).isEqualTo(403);
    }

    @Test
    void rateLimitRefusalCarriesRetryAfterAndIetfHeaders() {
        start(Mode.PROXY, upstream.url(), Duration.ofSeconds(5));
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> ok = send(get("/login").header("X-Forwarded-For", "192.0.2.10"));
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("RateLimit-Policy")).contains("\"sensitive\";q=2;w=60");
            assertThat(ok.headers().firstValue("RateLimit")).contains("\"sensitive\";r=" + (1 - i) + ";t=" + (30 * (i + 1)));
        }
        HttpResponse<String> refused = send(get("/login").header("X-Forwarded-For", "192.0.2.10"));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).contains("30");
        assertThat(refused.headers().firstValue("RateLimit")).contains("\"sensitive\";r=0;t=60");
        assertThat(refused.body()).isEqualTo("Too Many Requests\n");
        assertThat(send(get("/login").header("X-Forwarded-For", "192.0.2.11")).statusCode())
                .as("another client has its own bucket").isEqualTo(200);
    }

    @Test
    void checkModeAnswersEachForwardAuthDialect() {
        start(Mode.CHECK, upstream.url(), Duration.ofSeconds(5));
        // Traefik: original request in X-Forwarded-* headers; refusals go to the client as they are.
        HttpRequest.Builder traefik = get("/check/traefik").header("X-Forwarded-For", "192.0.2.20")
                .header("X-Forwarded-Method", "POST").header("X-Forwarded-Uri", "/login?next=/").header("X-Forwarded-Host", "app.example");
        assertThat(send(traefik.copy()).statusCode()).isEqualTo(200);
        assertThat(send(traefik.copy()).statusCode()).isEqualTo(200);
        HttpResponse<String> limited = send(traefik.copy());
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();

        // Envoy: path_prefix + original path, original method.
        assertThat(send(get("/check/envoy/login").header("X-Forwarded-For", "192.0.2.21")).statusCode()).isEqualTo(200);
        assertThat(send(get("/check/envoy/public/page").header("X-Forwarded-For", "192.0.2.21")).statusCode()).isEqualTo(200);

        // nginx: only 2xx/401/403 are understood, so a rate-limit refusal is 403 + X-Ipt-Decision.
        HttpRequest.Builder nginx = get("/check/nginx").header("X-Forwarded-For", "192.0.2.22")
                .header("X-Original-Method", "GET").header("X-Original-URI", "/admin/users");
        send(nginx.copy());
        send(nginx.copy());
        HttpResponse<String> nginxLimited = send(nginx.copy());
        assertThat(nginxLimited.statusCode()).isEqualTo(403);
        assertThat(nginxLimited.headers().firstValue("X-Ipt-Decision")).contains("RATE_LIMITED");
        assertThat(nginxLimited.headers().firstValue("Retry-After")).isPresent();

        assertThat(send(get("/other")).statusCode()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 8);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.mode()).isEqualTo(Mode.CHECK);
            assertThat(e.status()).isNull();
            assertThat(e.latencyMs()).isNotNull().isNotNegative();
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo("/login");
            assertThat(e.method()).isEqualTo("POST");
            assertThat(e.host()).isEqualTo("app.example");
            assertThat(e.decision()).isEqualTo(Decision.RATE_LIMITED);
        });
    }

    @Test
    void manyConcurrentRequestsAreAllAnswered() {
        start(Mode.PROXY, upstream.url(), Duration.ofSeconds(5));
        List<Integer> statuses = IntStream.range(0, 200).parallel()
                .mapToObj(i -> send(get("/p" + i).header("X-Forwarded-For", "203.0.113." + (i % 250))).statusCode())
                .toList();
        assertThat(statuses).containsOnly(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 200);
    }

    private static InetAddress loopback(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
