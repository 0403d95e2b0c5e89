package io.iptracking.ingest.hostile;

import static io.iptracking.ingest.hostile.Fixture.XFF;
import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.event.Decision;
import io.iptracking.common.event.Mode;
import io.iptracking.common.testing.RedisNamespace;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.TestRedis;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The hostile-request corpus in forward-auth mode: the original request comes from headers, so only a
 * trusted proxy may ask, and what it names is checked like a request line.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(HostileCorpus.StoppedBucketClock.class)
class HostileChecksIT extends HostileCorpus {

    static final TestKafka KAFKA = TestKafka.start();
    static final RedisNamespace REDIS = TestRedis.newNamespace();
    static final RecordingUpstream UPSTREAM = new RecordingUpstream();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("ingest.mode", () -> "CHECK");
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        registry.add("ingest.rate-limit.redis-url", REDIS::uri);
        registry.add("ingest.rate-limit.key-prefix", REDIS::keyPrefix);
        registry.add("ingest.traffic.host", () -> "127.0.0.1");
        registry.add("ingest.traffic.port", () -> 0);
        registry.add("ingest.client-ip.trusted-proxies", () -> TRUSTED_PROXY + "/32");
    }

    HostileChecksIT() {
        super(KAFKA, UPSTREAM, Mode.CHECK, 1);
    }

    static Stream<Fixture> corpus() {
        return Stream.of(
                new Fixture("a check from a caller that is not a trusted proxy").direct()
                        .send(traefik("POST", "/login", "User-Agent: forged\r\n"))
                        .expect(403, Decision.INVALID, "untrusted-check-caller")
                        .check(o -> {
                            assertThat(o.event().path()).as("its headers are never read").isEqualTo("/check/traefik");
                            assertThat(o.event().host()).isNull();
                            assertThat(o.event().userAgent()).isNull();
                        }),
                new Fixture("Traefik: an allowed request").viaProxy().send(traefik("GET", "/products/1"))
                        .expect(200, Decision.ALLOWED, null).eventPath("/products/1")
                        .check(o -> assertThat(o.event().host()).isEqualTo("app.test")),
                new Fixture("Traefik: the sixth /login is limited, 429 to the client").viaProxy()
                        .send(6, traefik("POST", "/login"))
                        .expect(429, Decision.RATE_LIMITED, "sensitive")
                        .check(o -> assertThat(o.response().header("Retry-After")).isNotNull()),
                new Fixture("Traefik: the long-path bypass counts as /login").viaProxy()
                        .send(5, traefik("POST", "/login")).send(traefik("POST", "/.".repeat(1030) + "/login"))
                        .expect(429, Decision.RATE_LIMITED, "sensitive").eventPath("/login"),
                new Fixture("Traefik: no X-Forwarded-Uri").viaProxy()
                        .send("GET /check/traefik HTTP/1.1\r\nHost: edge\r\n" + XFF + "X-Forwarded-Method: GET\r\n"
                                + "Connection: close\r\n\r\n")
                        .expect(400, Decision.INVALID, "missing-check-header"),
                new Fixture("Traefik: no X-Forwarded-Method").viaProxy()
                        .send("GET /check/traefik HTTP/1.1\r\nHost: edge\r\n" + XFF + "X-Forwarded-Uri: /login\r\n"
                                + "Connection: close\r\n\r\n")
                        .expect(400, Decision.INVALID, "missing-check-header"),
                new Fixture("Traefik: NUL in the URI").viaProxy().send(traefik("GET", "/a%00b"))
                        .expect(400, Decision.INVALID, "control-character").eventPath("/a%00b"),
                new Fixture("Traefik: CR LF in the URI").viaProxy().send(traefik("GET", "/a%0d%0aX-Injected:%201"))
                        .expect(400, Decision.INVALID, "control-character"),
                new Fixture("Traefik: an encoded slash in the URI").viaProxy().send(traefik("GET", "/admin%2fusers"))
                        .expect(400, Decision.INVALID, "ambiguous-separator"),
                new Fixture("Traefik: bad percent-encoding in the URI").viaProxy().send(traefik("GET", "/a%zz"))
                        .expect(400, Decision.INVALID, "bad-encoding"),
                new Fixture("Traefik: overlong UTF-8 in the URI").viaProxy().send(traefik("GET", "/%C0%AFadmin"))
                        .expect(400, Decision.INVALID, "bad-utf8"),
                new Fixture("Traefik: a URI that is no origin form").viaProxy().send(traefik("GET", "http://evil.test/login"))
                        .expect(400, Decision.INVALID, "not-origin-form"),
                new Fixture("Traefik: a URI over the limit").viaProxy().send(traefik("GET", "/" + "a".repeat(9000)))
                        .expect(414, Decision.INVALID, "target-too-long"),
                new Fixture("Traefik: a method with spaces").viaProxy().send(traefik("G E T", "/x"))
                        .expect(400, Decision.INVALID, "bad-method"),
                new Fixture("Traefik: a 100-character method").viaProxy().send(traefik("X".repeat(100), "/x"))
                        .expect(400, Decision.INVALID, "bad-method")
                        .check(o -> assertThat(o.event().method()).hasSize(32)),
                new Fixture("Traefik: a lower-case method is the same method").viaProxy().send(traefik("post", "/x"))
                        .expect(200, Decision.ALLOWED, null).check(o -> assertThat(o.event().method()).isEqualTo("POST")),
                new Fixture("Traefik: a forwarded host with a quote").viaProxy()
                        .send(traefik("GET", "/x").replace("X-Forwarded-Host: app.test", "X-Forwarded-Host: app.test\"x"))
                        .expect(400, Decision.INVALID, "bad-host"),
                new Fixture("Traefik: a 300-character forwarded host").viaProxy()
                        .send(traefik("GET", "/x").replace("X-Forwarded-Host: app.test", "X-Forwarded-Host: " + "h".repeat(300)))
                        .expect(400, Decision.INVALID, "bad-host"),
                new Fixture("Traefik: a User-Agent with a C1 control character").viaProxy()
                        .send(traefik("GET", "/x", "User-Agent: a\u0085b\r\n"))
                        .expect(400, Decision.INVALID, "bad-header"),
                new Fixture("nginx: an invalid original request is a 403 nginx understands").viaProxy()
                        .send(nginx("GET", "/a%00"))
                        .expect(403, Decision.INVALID, "control-character")
                        .check(o -> assertThat(o.response().header("X-Ipt-Decision")).isEqualTo("INVALID")),
                new Fixture("nginx: no X-Original-URI").viaProxy()
                        .send("GET /check/nginx HTTP/1.1\r\nHost: edge\r\n" + XFF + "X-Original-Method: GET\r\nConnection: close\r\n\r\n")
                        .expect(403, Decision.INVALID, "missing-check-header"),
                new Fixture("Envoy: the original path after the prefix is canonicalized").viaProxy()
                        .send("POST /check/envoy/x/%2e%2e/login HTTP/1.1\r\nHost: app.test\r\n" + XFF + "Content-Length: 0\r\n"
                                + "Connection: close\r\n\r\n")
                        .expect(200, Decision.ALLOWED, "sensitive").eventPath("/login"),
                new Fixture("Envoy: an encoded slash after the prefix").viaProxy()
                        .send("GET /check/envoy/admin%2fusers HTTP/1.1\r\nHost: app.test\r\n" + XFF + "Connection: close\r\n\r\n")
                        .expect(400, Decision.INVALID, "ambiguous-separator"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void theEdgeHolds(Fixture fixture) {
        run(fixture);
    }

    @Test
    void anUnknownCheckEndpointIs404() {
        for (String requestLine : List.of("GET /check/other HTTP/1.1", "OPTIONS * HTTP/1.1")) {
            List<RawHttp.Response> responses = RawHttp.exchange(TRUSTED_PROXY, traffic.port(),
                    requestLine + "\r\nHost: edge\r\nConnection: close\r\n\r\n");
            assertThat(responses.getFirst().status()).as(requestLine).isEqualTo(404);
            assertThat(responses.getFirst().body()).as(requestLine).contains("/check/nginx");
        }
    }

    static String traefik(String method, String uri, String... headers) {
        return "GET /check/traefik HTTP/1.1\r\nHost: edge.internal\r\n" + XFF + "X-Forwarded-Method: " + method + "\r\n"
                + "X-Forwarded-Uri: " + uri + "\r\nX-Forwarded-Host: app.test\r\n" + String.join("", headers)
                + "Connection: close\r\n\r\n";
    }

    static String nginx(String method, String uri) {
        return "GET /check/nginx HTTP/1.1\r\nHost: edge.internal\r\n" + XFF + "X-Original-Method: " + method + "\r\n"
                + "X-Original-URI: " + uri + "\r\nX-Original-Host: app.test\r\nConnection: close\r\n\r\n";
    }
}
