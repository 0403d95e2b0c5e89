package io.iptracking.ingest.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.testing.FreePorts;
import io.iptracking.common.event.Decision;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.event.Mode;
import io.iptracking.common.ip.Cidr;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code deploy/nginx/forward-auth.conf}, run by a real nginx in front of the edge in check
 * mode: only its ports are changed. Needs nginx with the auth_request module on the PATH or in
 * /usr/sbin ({@code apt-get install nginx-light}; {@code .ci/run} installs it).
 */
class NginxForwardAuthIT {

    private static final Path EXAMPLE = Path.of("..", "deploy", "nginx", "forward-auth.conf");

    @TempDir
    Path prefix;

    private final StubUpstream app = StubUpstream.start();
    private InMemoryEdge edge;
    private Process nginx;
    private int nginxPort;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        edge = new InMemoryEdge(Mode.CHECK, app.url(), Duration.ofSeconds(5), Clock.systemUTC());
        nginxPort = FreePorts.one();
        String site = Files.readString(EXAMPLE)
                .replace("server 127.0.0.1:8080;", "server 127.0.0.1:" + edge.port() + ";")
                .replace("server 127.0.0.1:3000;", "server " + app.url().substring("http://".length()) + ";")
                .replace("listen 8000;", "listen 127.0.0.1:" + nginxPort + ";");
        assertThat(site).contains(String.valueOf(edge.port())).contains(String.valueOf(nginxPort));
        Files.writeString(prefix.resolve("site.conf"), site);
        Files.createDirectories(prefix.resolve("logs"));
        boolean root = "root".equals(System.getProperty("user.name"));
        Files.writeString(prefix.resolve("nginx.conf"), (root ? "user root;\n" : "") + """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    include %1$s/site.conf;
                }
                """.formatted(prefix));
        nginx = new ProcessBuilder(nginxExecutable(), "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            assertThat(nginx.isAlive()).as("nginx exited: " + Files.readString(prefix.resolve("logs/stdout.log"))).isTrue();
            return get("/health", "203.0.113.1").statusCode() == 200;
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
        edge.close();
        app.close();
    }

    @Test
    void allowedRequestsReachTheApplication() throws Exception {
        HttpResponse<String> response = get("/shop?x=1", "203.0.113.5");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello");
        await().atMost(Duration.ofSeconds(5)).until(() -> edge.events.stream().anyMatch(e -> e.path().equals("/shop")));
        assertThat(edge.events).filteredOn(e -> e.path().equals("/shop")).first().satisfies(e -> {
            assertThat(e.ip()).hasToString("203.0.113.5");
            assertThat(e.mode()).isEqualTo(Mode.CHECK);
            assertThat(e.decision()).isEqualTo(Decision.ALLOWED);
        });
    }

    @Test
    void aRateLimitRefusalReachesTheClientAs429WithRetryAfter() throws Exception {
        assertThat(get("/login", "192.0.2.44").statusCode()).isEqualTo(200);
        assertThat(get("/login", "192.0.2.44").statusCode()).isEqualTo(200);
        HttpResponse<String> refused = get("/login", "192.0.2.44");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).isEqualTo("Too Many Requests\n");
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
        assertThat(refused.headers().firstValue("RateLimit-Policy")).contains("\"sensitive\";q=2;w=60");
    }

    @Test
    void aBlockedClientGets403() throws Exception {
        Cidr range = Cidr.parse("198.51.100.0/24");
        edge.lists.apply(range, new ListEntry(range, ListAction.BLOCK, "nginx test", ListSource.MANUAL, "it",
                Instant.now().minusSeconds(1), null));
        HttpResponse<String> refused = get("/anything", "198.51.100.7");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).isEqualTo("Forbidden\n");
        assertThat(refused.headers().firstValue("Retry-After")).isEmpty();
    }

    @Test
    void aPathPaddedWithDotSegmentsStillCountsAsTheRuleItNames() throws Exception {
        // nginx resolves the padding itself and forwards /login; the edge decides on nginx's raw
        // $request_uri and must reach the same path.
        String padded = "/.".repeat(1030) + "/login";
        assertThat(get("/login", "192.0.2.45").statusCode()).isEqualTo(200);
        assertThat(get("/login", "192.0.2.45").statusCode()).isEqualTo(200);
        assertThat(get(padded, "192.0.2.45").statusCode()).isEqualTo(429);
        await().atMost(Duration.ofSeconds(5)).until(() -> edge.events.stream().filter(e -> e.ip().toString().equals("192.0.2.45")).count() == 3);
        assertThat(edge.events).filteredOn(e -> e.ip().toString().equals("192.0.2.45")).extracting(e -> e.path())
                .containsOnly("/login");
    }

    @Test
    void anInvalidRequestReachesTheClientAs400() throws Exception {
        HttpResponse<String> refused = get("/admin%2fusers", "192.0.2.46");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).isEqualTo("Bad Request\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> edge.events.stream().anyMatch(e -> e.ip().toString().equals("192.0.2.46")));
        assertThat(edge.events).filteredOn(e -> e.ip().toString().equals("192.0.2.46")).singleElement().satisfies(e -> {
            assertThat(e.decision()).isEqualTo(Decision.INVALID);
            assertThat(e.rule()).isEqualTo("ambiguous-separator");
        });
    }

    private HttpResponse<String> get(String path, String clientIp) throws IOException, InterruptedException {
        // The test client stands for a trusted load balancer in front of nginx, which names the client.
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginxPort + path))
                .header("X-Forwarded-For", clientIp).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String nginxExecutable() {
        for (String candidate : new String[] {"/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "nginx";
    }
}
