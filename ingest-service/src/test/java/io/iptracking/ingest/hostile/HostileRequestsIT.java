package io.iptracking.ingest.hostile;

import static io.iptracking.ingest.hostile.Fixture.XFF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.iptracking.common.event.Decision;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.event.Mode;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.RedisNamespace;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The hostile-request corpus: what an attacker sends to the edge in proxy mode, each fixture run
 * against the real edge (Jetty, a real Redis and Kafka broker) with an upstream that records exactly
 * what it receives. Every fixture asserts the status, the decision and rule of its event, what the
 * upstream received (the exact target and headers, or nothing) and what the event says.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(HostileCorpus.StoppedBucketClock.class)
class HostileRequestsIT extends HostileCorpus {

    static final String JWT_SECRET = "hostile-it-jwt-secret-0123456789abcdef";
    static final String ISSUER = "ipt-corpus";
    static final String AUDIENCE = "edge";
    /** Blocked before the corpus runs; its IPv6 spellings must be blocked too. */
    static final String BLOCKED_V4 = "203.0.113.9";

    /** Started at once: with one test instance for the class, Spring starts the edge before extensions run. */
    static final TestKafka KAFKA = TestKafka.start();

    static final RedisNamespace REDIS = TestRedis.newNamespace();
    static final RecordingUpstream UPSTREAM = new RecordingUpstream();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        registry.add("ingest.rate-limit.redis-url", REDIS::uri);
        registry.add("ingest.rate-limit.key-prefix", REDIS::keyPrefix);
        registry.add("ingest.upstream.url", UPSTREAM::url);
        registry.add("ingest.traffic.host", () -> "127.0.0.1");
        registry.add("ingest.traffic.port", () -> 0);
        registry.add("ingest.client-ip.trusted-proxies", () -> TRUSTED_PROXY + "/32");
        registry.add("ingest.auth.jwt-hmac-secret", () -> JWT_SECRET);
        registry.add("ingest.auth.subject-secret", () -> "hostile-it-subject-secret-0123456789abcdef");
        registry.add("ingest.auth.issuer", () -> ISSUER);
        registry.add("ingest.auth.audience", () -> AUDIENCE);
        registry.add("ingest.rate-limit.rules[0].name", () -> "sensitive");
        registry.add("ingest.rate-limit.rules[0].paths", () -> "/login,/admin/**");
        registry.add("ingest.rate-limit.rules[0].anonymous-limit", () -> 5);
        registry.add("ingest.rate-limit.rules[0].authenticated-limit", () -> 10);
        registry.add("ingest.rate-limit.rules[1].name", () -> "reports");
        registry.add("ingest.rate-limit.rules[1].paths", () -> "/reports/**");
        registry.add("ingest.rate-limit.rules[1].methods", () -> "GET");
        registry.add("ingest.rate-limit.rules[1].anonymous-limit", () -> 2);
        registry.add("ingest.rate-limit.rules[1].authenticated-limit", () -> 2);
    }

    HostileRequestsIT() {
        super(KAFKA, UPSTREAM, Mode.PROXY, 0);
    }

    @BeforeAll
    void block() throws Exception {
        Cidr blocked = Cidr.parse(BLOCKED_V4 + "/32");
        try (KafkaProducer<Cidr, ListEntry> producer = KAFKA.producer(Topics.BLOCKLIST.keySerde().serializer(),
                Topics.BLOCKLIST.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.BLOCKLIST.name(), blocked, new ListEntry(blocked, ListAction.BLOCK,
                    "corpus", ListSource.MANUAL, "hostile-it", Instant.now().minusSeconds(1), null))).get();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> RawHttp.exchange(TRUSTED_PROXY, traffic.port(),
                "GET / HTTP/1.1\r\nHost: app.test\r\nX-Forwarded-For: " + BLOCKED_V4 + "\r\nConnection: close\r\n\r\n")
                .getFirst().status() == 403);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void theEdgeHolds(Fixture fixture) {
        run(fixture);
    }

    // ------------------------------------------------------------------------------------------------
    // The corpus

    static Stream<Fixture> corpus() {
        List<Fixture> all = new ArrayList<>();
        all.addAll(paths());
        all.addAll(targets());
        all.addAll(headers());
        all.addAll(forwarding());
        all.addAll(addresses());
        all.addAll(tokens());
        return all.stream();
    }

    /** Disguised and ambiguous paths: the rules, the event and the upstream must see one path. */
    static List<Fixture> paths() {
        return List.of(
                new Fixture("plain path").viaProxy().send(get("/products/42"))
                        .expect(200, Decision.ALLOWED, null).forwardedAs("/products/42").eventPath("/products/42"),
                new Fixture("long-path bypass: '/.' x1030 + /login after /login answered 429").viaProxy()
                        .send(5, post("/login")).send(post("/.".repeat(1030) + "/login"))
                        .expect(429, Decision.RATE_LIMITED, "sensitive").eventPath("/login"),
                new Fixture("long-path bypass is counted as /login and forwarded as /login").viaProxy()
                        .send(post("/.".repeat(1030) + "/login"))
                        .expect(200, Decision.ALLOWED, "sensitive").forwardedAs("/login").eventPath("/login"),
                new Fixture("%2e%2e segments").viaProxy().send(get("/x/%2e%2e/admin"))
                        .expect(200, Decision.ALLOWED, "sensitive").forwardedAs("/admin").eventPath("/admin"),
                new Fixture("dot-dot above the root").direct().send(get("/../../admin/x")).expectUnparsed(400),
                new Fixture("repeated slashes").viaProxy().send(get("//admin//users"))
                        .expect(200, Decision.ALLOWED, "sensitive").forwardedAs("/admin/users").eventPath("/admin/users"),
                new Fixture("upper case").viaProxy().send(get("/ADMIN/Users"))
                        .expect(200, Decision.ALLOWED, "sensitive").forwardedAs("/ADMIN/Users").eventPath("/admin/users"),
                new Fixture("path parameter").viaProxy().send(get("/admin;jsessionid=1"))
                        .expect(200, Decision.ALLOWED, "sensitive").forwardedAs("/admin;jsessionid=1").eventPath("/admin"),
                new Fixture("trailing dot").viaProxy().send(post("/login."))
                        .expect(200, Decision.ALLOWED, "sensitive").forwardedAs("/login.").eventPath("/login"),
                new Fixture("trailing encoded space").viaProxy().send(post("/login%20"))
                        .expect(200, Decision.ALLOWED, "sensitive").forwardedAs("/login%20").eventPath("/login"),
                new Fixture("trailing slash").viaProxy().send(post("/login/"))
                        .expect(200, Decision.ALLOWED, "sensitive").forwardedAs("/login/").eventPath("/login"),
                new Fixture("encoded letters").viaProxy().send(get("/%61dmin"))
                        .expect(200, Decision.ALLOWED, "sensitive").forwardedAs("/admin").eventPath("/admin"),
                new Fixture("raw UTF-8 is forwarded percent-encoded").viaProxy().send(get("/caf\u00c3\u00a9"))
                        .expect(200, Decision.ALLOWED, null).forwardedAs("/caf%C3%A9").eventPath("/café"),
                new Fixture("encoded slash").viaProxy().send(get("/admin%2fusers"))
                        .expect(400, Decision.INVALID, "ambiguous-separator").eventPath("/admin%2fusers"),
                new Fixture("encoded backslash").viaProxy().send(get("/admin%5cusers"))
                        .expect(400, Decision.INVALID, "ambiguous-separator"),
                new Fixture("raw backslash").viaProxy().send(get("/admin\\users"))
                        .expect(400, Decision.INVALID, "bad-character").eventPath("/admin\\users"),
                new Fixture("NUL byte, through the proxy: Jetty refuses it before the headers").viaProxy().send(get("/a%00b"))
                        .expectUnparsed(400),
                new Fixture("NUL byte from a client").direct().send(get("/a%00b")).expectUnparsed(400),
                new Fixture("CR LF for a forged header or log line").viaProxy().send(get("/a%0d%0aSet-Cookie:%20x=1"))
                        .expect(400, Decision.INVALID, "control-character"),
                new Fixture("C1 control (NEL)").viaProxy().send(get("/a%C2%85"))
                        .expect(400, Decision.INVALID, "control-character"),
                new Fixture("Unicode line separator").viaProxy().send(get("/a%E2%80%A8"))
                        .expect(400, Decision.INVALID, "control-character"),
                new Fixture("double encoding").viaProxy().send(get("/%252e%252e/admin"))
                        .expect(400, Decision.INVALID, "double-encoding"),
                new Fixture("overlong UTF-8 slash").viaProxy().send(get("/%C0%AFadmin"))
                        .expect(400, Decision.INVALID, "bad-utf8"),
                new Fixture("overlong UTF-8 dots").viaProxy().send(get("/x/%C0%AE%C0%AE/admin"))
                        .expect(400, Decision.INVALID, "bad-utf8"),
                new Fixture("encoded surrogate").viaProxy().send(get("/%ED%A0%80"))
                        .expect(400, Decision.INVALID, "bad-utf8"),
                new Fixture("dot segment with parameters (Tomcat's ..;)").viaProxy().send(get("/public/..;/admin"))
                        .expect(400, Decision.INVALID, "ambiguous-segment"),
                new Fixture("segment of dots only").viaProxy().send(get("/x/.../admin"))
                        .expect(400, Decision.INVALID, "ambiguous-segment"),
                new Fixture("bad percent-encoding").viaProxy().send(get("/a%zz")).expectUnparsed(400),
                new Fixture("truncated percent-encoding").direct().send(get("/a%")).expectUnparsed(400),
                new Fixture("query passed on as sent, with characters URIs forbid encoded").viaProxy()
                        .send(get("/search?q=a|b{c}&x=%2F%0d"))
                        .expect(200, Decision.ALLOWED, null).forwardedAs("/search?q=a%7Cb%7Bc%7D&x=%2F%0d").eventPath("/search"));
    }

    /** Target forms and sizes. */
    static List<Fixture> targets() {
        String longTarget = "/" + "a".repeat(9_000);
        return List.of(
                new Fixture("target over the edge's limit (8 KiB)").viaProxy().send(get(longTarget))
                        .expect(414, Decision.INVALID, "target-too-long")
                        .check(o -> assertThat(o.event().path()).hasSize(2048).startsWith("/aaaa")),
                new Fixture("64 KB request line").viaProxy().send(get("/" + "a".repeat(64 * 1024))).expectUnparsed(414),
                new Fixture("OPTIONS * is answered by the edge").viaProxy().send("OPTIONS * HTTP/1.1\r\nHost: app.test\r\n" + XFF
                                + "Connection: close\r\n\r\n")
                        .expect(200, Decision.ALLOWED, null).eventPath("*"),
                new Fixture("GET * is no request").viaProxy().send("GET * HTTP/1.1\r\nHost: app.test\r\n" + XFF
                                + "Connection: close\r\n\r\n")
                        .expectUnparsedWithEvent(400),
                new Fixture("CONNECT").viaProxy().send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n" + XFF
                                + "Connection: close\r\n\r\n")
                        .expect(405, Decision.INVALID, "method-not-allowed")
                        .check(o -> assertThat(o.response().header("Allow")).doesNotContain("CONNECT").contains("GET")),
                new Fixture("absolute form naming another authority").viaProxy()
                        .send("GET http://evil.test/admin HTTP/1.1\r\nHost: app.test\r\n" + XFF + "Connection: close\r\n\r\n")
                        .expectUnparsedWithEvent(400),
                new Fixture("absolute form https:// on a plain connection").viaProxy()
                        .send("GET https://app.test/x HTTP/1.1\r\nHost: app.test\r\n" + XFF + "Connection: close\r\n\r\n")
                        .expect(200, Decision.ALLOWED, null).forwardedAs("/x")
                        .check(o -> assertThat(o.upstream().values("X-Forwarded-Proto")).containsExactly("http")),
                new Fixture("HEAD counts against a GET rule").viaProxy()
                        .send(2, get("/reports/daily")).send(request("HEAD", "/reports/daily"))
                        .expect(429, Decision.RATE_LIMITED, "reports"),
                new Fixture("lower-case method counts against a GET rule").viaProxy()
                        .send(2, get("/reports/daily")).send(request("get", "/reports/daily"))
                        .expect(429, Decision.RATE_LIMITED, "reports")
                        .check(o -> assertThat(o.event().method()).isEqualTo("GET")),
                new Fixture("pipelined requests are each decided").viaProxy()
                        .send(pipelined(6, "POST", "/login"))
                        .expect(429, Decision.RATE_LIMITED, "sensitive"),
                new Fixture("request smuggling: Content-Length and Transfer-Encoding").viaProxy()
                        .send("POST /x HTTP/1.1\r\nHost: app.test\r\n" + XFF + "Content-Length: 4\r\n"
                                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n")
                        .expectUnparsed(400),
                new Fixture("obsolete line folding").viaProxy()
                        .send("GET /x HTTP/1.1\r\nHost: app.test\r\n" + XFF + "X-Long: a\r\n b\r\nConnection: close\r\n\r\n")
                        .expectUnparsed(400));
    }

    /** Headers the edge reads: counts, duplicates, sizes and characters. */
    static List<Fixture> headers() {
        return List.of(
                new Fixture("1,000 header lines").viaProxy()
                        .send(request("GET", "/x", "X-A: b\r\n".repeat(1000)))
                        .expect(431, Decision.INVALID, "too-many-headers"),
                new Fixture("headers larger than 16 KiB").viaProxy()
                        .send(request("GET", "/x", ("X-Filler: " + "f".repeat(1000) + "\r\n").repeat(20)))
                        .expectUnparsed(431),
                new Fixture("two User-Agent lines").viaProxy()
                        .send(request("GET", "/x", "User-Agent: first\r\nUser-Agent: second\r\n"))
                        .expect(400, Decision.INVALID, "duplicate-header"),
                new Fixture("two Authorization lines").viaProxy()
                        .send(request("POST", "/login", "Authorization: Bearer a\r\nAuthorization: Bearer b\r\n"))
                        .expect(400, Decision.INVALID, "duplicate-header"),
                new Fixture("two Host lines").viaProxy()
                        .send("GET /x HTTP/1.1\r\nHost: app.test\r\nHost: evil.test\r\n" + XFF + "Connection: close\r\n\r\n")
                        .expectUnparsed(400),
                new Fixture("User-Agent with a C1 control character").viaProxy()
                        .send(request("GET", "/x", "User-Agent: curl\u0085x\r\n"))
                        .expect(400, Decision.INVALID, "bad-header")
                        .check(o -> assertThat(o.event().userAgent()).isEqualTo("curl%C2%85x")),
                new Fixture("User-Agent with DEL").viaProxy()
                        .send(request("GET", "/x", "User-Agent: curl\u007fx\r\n"))
                        .expectUnparsed(400),
                new Fixture("a 4 KB User-Agent is passed on whole, cut in the event").viaProxy()
                        .send(request("GET", "/x", "User-Agent: " + "u".repeat(4000) + "\r\n"))
                        .expect(200, Decision.ALLOWED, null).forwardedAs("/x")
                        .check(o -> {
                            assertThat(o.event().userAgent()).hasSize(512);
                            assertThat(o.upstream().values("User-Agent")).containsExactly("u".repeat(4000));
                        }),
                new Fixture("exactly one User-Agent reaches the upstream: the client's").viaProxy()
                        .send(request("GET", "/x", "User-Agent: client/1.0\r\n"))
                        .expect(200, Decision.ALLOWED, null).forwardedAs("/x")
                        .check(o -> assertThat(o.upstream().values("User-Agent")).containsExactly("client/1.0")),
                new Fixture("no User-Agent: none is added").viaProxy().send(get("/x"))
                        .expect(200, Decision.ALLOWED, null).forwardedAs("/x")
                        .check(o -> assertThat(o.upstream().values("User-Agent")).isEmpty()),
                new Fixture("a 300-character Host").viaProxy()
                        .send("GET /x HTTP/1.1\r\nHost: " + "h".repeat(300) + "\r\n" + XFF + "Connection: close\r\n\r\n")
                        .expect(400, Decision.INVALID, "bad-host")
                        .check(o -> assertThat(o.event().host()).hasSize(261)),
                new Fixture("a Host with a quote").viaProxy()
                        .send("GET /x HTTP/1.1\r\nHost: evil.test\"x\r\n" + XFF + "Connection: close\r\n\r\n")
                        .expectUnparsed(400),
                new Fixture("a Host with user info, from a client").direct()
                        .send("GET /x HTTP/1.1\r\nHost: user@app.test\r\nConnection: close\r\n\r\n")
                        .expectUnparsed(400),
                new Fixture("a Host that is a list").viaProxy()
                        .send("GET /x HTTP/1.1\r\nHost: app.test,evil.test\r\n" + XFF + "Connection: close\r\n\r\n")
                        .expectUnparsedWithEvent(400),
                new Fixture("HTTP/1.0 without Host").viaProxy()
                        .send("GET /x HTTP/1.0\r\n" + XFF + "\r\n")
                        .expect(200, Decision.ALLOWED, null).forwardedAs("/x")
                        .check(o -> assertThat(o.event().host()).isNull()));
    }

    /** Forwarding headers: nobody the edge does not trust may choose what the application believes. */
    static List<Fixture> forwarding() {
        String forged = "Forwarded: for=1.2.3.4;host=evil.test;proto=https\r\nX-Forwarded-For: 1.2.3.4\r\n"
                + "X-Forwarded-Host: evil.test\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Port: 443\r\n"
                + "X-Forwarded-Prefix: /evil\r\nX-Original-URL: /admin\r\nX-Rewrite-URL: /admin\r\n"
                + "True-Client-IP: 1.2.3.4\r\nCF-Connecting-IP: 1.2.3.4\r\nX-Client-IP: 1.2.3.4\r\nX-Real-IP: 1.2.3.4\r\n"
                + "X-HTTP-Method-Override: DELETE\r\nX-Custom: kept\r\n";
        return List.of(
                new Fixture("forged forwarding headers from a client are all dropped").direct()
                        .send(request("GET", "/x", forged))
                        .expect(200, Decision.ALLOWED, null).forwardedAs("/x")
                        .check(o -> {
                            String peer = o.event().ip().toString();
                            RecordingUpstream.Received up = o.upstream();
                            assertThat(up.values("X-Forwarded-For")).containsExactly(peer);
                            assertThat(up.values("X-Real-IP")).containsExactly(peer);
                            assertThat(up.values("X-Forwarded-Proto")).containsExactly("http");
                            assertThat(up.values("X-Forwarded-Host")).containsExactly("app.test");
                            for (String dropped : List.of("Forwarded", "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Original-URL",
                                    "X-Rewrite-URL", "True-Client-IP", "CF-Connecting-IP", "X-Client-IP", "X-HTTP-Method-Override")) {
                                assertThat(up.values(dropped)).as(dropped).isEmpty();
                            }
                            assertThat(up.values("X-Custom")).containsExactly("kept");
                        }),
                new Fixture("from a trusted proxy the chain is extended, all lines joined").viaProxy("6.6.6.6, 203.0.113.50", "203.0.113.50")
                        .send("GET /x HTTP/1.1\r\nHost: app.test\r\nX-Forwarded-For: 6.6.6.6, 203.0.113.50\r\nX-Forwarded-For: 127.0.0.1\r\n"
                                + "X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n")
                        .expect(200, Decision.ALLOWED, null).forwardedAs("/x")
                        .check(o -> {
                            assertThat(o.upstream().values("X-Forwarded-For")).containsExactly("6.6.6.6, 203.0.113.50, 127.0.0.1, 127.0.0.1");
                            assertThat(o.upstream().values("X-Forwarded-Proto")).containsExactly("https");
                            assertThat(o.upstream().values("X-Real-IP")).containsExactly("203.0.113.50");
                        }),
                new Fixture("a client's X-Forwarded-For through an untrusted hop names nobody").direct()
                        .send(request("GET", "/login", "X-Forwarded-For: 203.0.113.77\r\n"))
                        .expect(200, Decision.ALLOWED, "sensitive").forwardedAs("/login")
                        .check(o -> assertThat(o.event().ip().toString()).startsWith("127.0.")));
    }

    /** IPv6 spellings of a blocked IPv4 address, and rate-limit keys across them. */
    static List<Fixture> addresses() {
        return List.of(
                new Fixture("IPv4-mapped form of a blocked address").viaProxy("::ffff:" + BLOCKED_V4, BLOCKED_V4)
                        .send(get("/x")).expect(403, Decision.BLOCKED, "blocklist:203.0.113.9/32"),
                new Fixture("IPv4-compatible form of a blocked address").viaProxy("::" + BLOCKED_V4, BLOCKED_V4)
                        .send(get("/x")).expect(403, Decision.BLOCKED, "blocklist:203.0.113.9/32"),
                new Fixture("NAT64 form of a blocked address").viaProxy("64:ff9b::" + BLOCKED_V4, BLOCKED_V4)
                        .send(get("/x")).expect(403, Decision.BLOCKED, "blocklist:203.0.113.9/32"),
                new Fixture("6to4 form of a blocked address").viaProxy("2002:cb00:7109::1", BLOCKED_V4)
                        .send(get("/x")).expect(403, Decision.BLOCKED, "blocklist:203.0.113.9/32"),
                new Fixture("rate-limit bucket shared by an address and its NAT64 form").viaProxy("64:ff9b::cb00:710a", "203.0.113.10")
                        .send(5, post("/login"))
                        .send("POST /login HTTP/1.1\r\nHost: app.test\r\nX-Forwarded-For: 203.0.113.10\r\nContent-Length: 0\r\n"
                                + "Connection: close\r\n\r\n")
                        .expect(429, Decision.RATE_LIMITED, "sensitive"),
                new Fixture("IPv6 clients of one /64 share a bucket").viaProxy("2001:db8:77:1::1", "2001:db8:77:1::1")
                        .send(5, post("/login"))
                        .expect(200, Decision.ALLOWED, "sensitive").forwardedAs("/login")
                        .check(o -> assertThat(RawHttp.exchange(TRUSTED_PROXY, HostileCorpus.port,
                                "POST /login HTTP/1.1\r\nHost: app.test\r\nX-Forwarded-For: 2001:db8:77:1::ffff\r\n"
                                        + "Content-Length: 0\r\nConnection: close\r\n\r\n").getFirst().status()).isEqualTo(429)));
    }

    /** Bearer tokens: only a token that passes every check is authenticated. */
    static List<Fixture> tokens() {
        return List.of(
                new Fixture("a valid token is authenticated (10 a minute, not 5)").viaProxy()
                        .send(6, request("POST", "/login", auth(token("alice", c -> { }))))
                        .expect(200, Decision.ALLOWED, "sensitive").forwardedAs("/login")
                        .check(o -> assertThat(o.event().subject()).isNotBlank()),
                anonymous("a token without exp", c -> c.expirationTime(null)),
                anonymous("an expired token", c -> c.expirationTime(Date.from(Instant.now().minusSeconds(120)))),
                anonymous("a token not valid before an hour from now", c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(3600)))),
                anonymous("a token issued an hour from now", c -> c.issueTime(Date.from(Instant.now().plusSeconds(3600)))),
                anonymous("a token of another issuer", c -> c.issuer("someone-else")),
                anonymous("a token for another audience", c -> c.audience("another-app")),
                anonymous("a token without a subject", c -> c.subject(null)),
                new Fixture("many accounts from one IP share its authenticated allowance (30)").viaProxy()
                        .send(authenticatedRound(0, 10)).send(authenticatedRound(1, 10)).send(authenticatedRound(2, 10))
                        .send(request("POST", "/login", auth(token("user-3", c -> { }))))
                        .expect(429, Decision.RATE_LIMITED, "sensitive")
                        .check(o -> assertThat(o.response().header("RateLimit-Policy")).isEqualTo("\"sensitive\";q=30;w=60")));
    }

    /** Six requests with a token that must not authenticate: the sixth is refused by the anonymous limit. */
    private static Fixture anonymous(String name, Consumer<JWTClaimsSet.Builder> claims) {
        return new Fixture(name + " is anonymous").viaProxy()
                .send(6, request("POST", "/login", auth(token("mallory", claims))))
                .expect(429, Decision.RATE_LIMITED, "sensitive")
                .check(o -> assertThat(o.event().subject()).isNull());
    }

    /** Ten pipelined authenticated /login requests of one account: one connection, ten requests. */
    private static String authenticatedRound(int account, int requests) {
        String token = auth(token("user-" + account, c -> { }));
        StringBuilder pipeline = new StringBuilder();
        for (int i = 0; i < requests; i++) {
            pipeline.append("POST /login HTTP/1.1\r\nHost: app.test\r\n").append(XFF).append(token).append("Content-Length: 0\r\n")
                    .append(i == requests - 1 ? "Connection: close\r\n" : "").append("\r\n");
        }
        return pipeline.toString();
    }

    // ------------------------------------------------------------------------------------------------
    // Request builders

    static String get(String target) {
        return request("GET", target);
    }

    static String post(String target) {
        return request("POST", target, "Content-Length: 0\r\n");
    }

    /** A request with a Host, the proxy's X-Forwarded-For where it applies, and Connection: close. */
    static String request(String method, String target, String... headerLines) {
        return method + " " + target + " HTTP/1.1\r\nHost: app.test\r\n" + XFF + String.join("", headerLines)
                + "Connection: close\r\n\r\n";
    }

    /** {@code count} requests on one connection, written at once; the last one closes it. */
    static String pipelined(int count, String method, String target) {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            out.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: app.test\r\n").append(XFF)
                    .append("Content-Length: 0\r\n").append(i == count ? "Connection: close\r\n" : "").append("\r\n");
        }
        return out.toString();
    }

    static String auth(String token) {
        return "Authorization: Bearer " + token + "\r\n";
    }

    static String token(String subject, Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience(AUDIENCE)
                .issueTime(Date.from(Instant.now())).expirationTime(Date.from(Instant.now().plusSeconds(600)));
        change.accept(claims);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
            jwt.sign(new MACSigner(JWT_SECRET));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
