package io.iptracking.ingest;

import io.iptracking.common.event.Mode;
import io.iptracking.common.ip.Cidr;
import io.iptracking.ingest.ip.EmbeddedIpv4;
import io.iptracking.ingest.ip.ForwardedHeader;
import io.iptracking.ingest.ratelimit.Enforcement;
import io.iptracking.ingest.ratelimit.FailMode;
import io.iptracking.ingest.ratelimit.RateLimitRule;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the edge can be told, with its defaults (the one place they are given: the README's
 * configuration table and {@code .env.example} are generated from them). Bad values stop start-up with
 * a message naming the property.
 *
 * @param mode {@code PROXY}: forward allowed requests to the upstream; {@code CHECK}: answer forward-auth
 *     checks only
 */
@Validated
@ConfigurationProperties("ingest")
public record IngestProperties(
        @NotNull @DefaultValue("PROXY") Mode mode,
        @Valid @NotNull @DefaultValue Traffic traffic,
        @Valid @NotNull @DefaultValue Requests request,
        @Valid @NotNull @DefaultValue Check check,
        @Valid @NotNull @DefaultValue Upstream upstream,
        @Valid @NotNull @DefaultValue ClientIpSettings clientIp,
        @Valid @NotNull @DefaultValue RateLimit rateLimit,
        @Valid @NotNull @DefaultValue Auth auth,
        @Valid @NotNull @DefaultValue Kafka kafka,
        @Valid @NotNull @DefaultValue Events events) {

    public IngestProperties {
        if (mode == Mode.CHECK && clientIp != null && check != null && clientIp.trustedProxies().isEmpty()
                && !check.allowAnyCaller()) {
            throw new IllegalArgumentException("INGEST_MODE=CHECK answers only trusted proxies, and none is configured: set "
                    + "INGEST_TRUSTED_PROXIES (ingest.client-ip.trusted-proxies) to the address or CIDR of the proxy that "
                    + "asks (nginx, Traefik, Envoy). If only that proxy can reach the traffic port and it is the client, "
                    + "set INGEST_CHECK_ALLOW_ANY_CALLER=true (ingest.check.allow-any-caller) instead.");
        }
    }

    /**
     * The traffic port (proxied requests or forward-auth checks).
     *
     * @param host address the traffic port binds
     * @param port traffic port
     */
    public record Traffic(@NotBlank @DefaultValue("0.0.0.0") String host, @Min(0) @Max(65535) @DefaultValue("8080") int port) {
    }

    /**
     * What a request may be before the edge refuses it unread: targets longer than {@code maxTargetLength}
     * get 414 from the edge, a request line and headers larger than {@code maxHeaderBytes} get 414 or 431
     * from Jetty, and more than {@code maxHeaders} header lines get 431.
     *
     * @param maxTargetLength longer request targets (path and query) are refused with 414
     * @param maxHeaderBytes request line and headers together; Jetty answers 414 or 431 beyond it (must
     *     exceed the target length)
     * @param maxHeaders more header lines are refused with 431
     */
    public record Requests(
            @Min(256) @DefaultValue("8192") int maxTargetLength,
            @NotNull @DefaultValue("16KB") DataSize maxHeaderBytes,
            @Min(16) @DefaultValue("100") int maxHeaders) {

        public Requests {
            if (maxHeaderBytes != null && maxHeaderBytes.toBytes() <= maxTargetLength) {
                throw new IllegalArgumentException("ingest.request.max-header-bytes (" + maxHeaderBytes
                        + ") must be larger than ingest.request.max-target-length (" + maxTargetLength
                        + "), or no long target would reach the edge's own check");
            }
        }
    }

    /**
     * Forward-auth (check) mode. Only trusted proxies may ask: anyone else gets 403 and its headers are
     * never read. {@code allowAnyCaller} lets every caller ask when no proxy is trusted (the traffic port
     * must then be reachable by the proxy alone).
     *
     * @param allowAnyCaller check mode: answer callers that are not trusted proxies (only when no proxy is
     *     trusted and the traffic port is reachable by the proxy alone); without it, check mode with no
     *     trusted proxy does not start
     */
    public record Check(@DefaultValue("false") boolean allowAnyCaller) {
    }

    /**
     * The application behind the edge (proxy mode).
     *
     * @param url the application behind the edge
     * @param connectTimeout connecting to the upstream; on failure 502
     * @param responseTimeout the whole upstream exchange; past it 504
     * @param maxConnections connection pool to the upstream
     * @param stripHeaders headers never passed to the upstream, from anyone, since the application might
     *     believe them (the edge writes its own X-Forwarded-For/-Proto/-Host, X-Real-IP and, if asked,
     *     Forwarded); setting it replaces the whole list
     * @param forwarded also write an RFC 7239 {@code Forwarded} header for the upstream
     */
    public record Upstream(
            @NotNull @DefaultValue("http://127.0.0.1:3000") URI url,
            @NotNull @DefaultValue("2s") Duration connectTimeout,
            @NotNull @DefaultValue("30s") Duration responseTimeout,
            @Min(1) @DefaultValue("512") int maxConnections,
            @NotNull @DefaultValue({"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
                "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Server", "X-Forwarded-Scheme", "X-Forwarded-Ssl",
                "X-Forwarded-Uri", "X-Forwarded-Method", "X-Real-IP", "True-Client-IP", "CF-Connecting-IP",
                "Fastly-Client-IP", "X-Client-IP", "X-Cluster-Client-IP", "Client-IP", "X-ProxyUser-Ip",
                "X-Original-Forwarded-For", "X-Original-URL", "X-Original-URI", "X-Original-Host", "X-Original-Method",
                "X-Rewrite-URL", "X-Host", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"})
            List<@NotBlank String> stripHeaders,
            @DefaultValue("false") boolean forwarded) {
    }

    /**
     * Which proxies in front of the edge are believed, which header they write, and which IPv6 forms of
     * an IPv4 address are folded to it.
     *
     * @param trustedProxies comma-separated CIDRs of the proxies whose forwarding headers are believed
     * @param header which chain the proxies write: {@code X_FORWARDED_FOR} or {@code FORWARDED} (RFC 7239)
     * @param maxHops at most this many chain entries are read (from the right) and passed on
     * @param embeddedIpv4 IPv6 forms folded to the IPv4 address they carry for lists and rate limits
     *     (also {@code TEREDO}; empty for none; IPv4-mapped addresses are always folded)
     */
    public record ClientIpSettings(
            @NotNull @DefaultValue List<Cidr> trustedProxies,
            @NotNull @DefaultValue("X_FORWARDED_FOR") ForwardedHeader header,
            @Min(1) @Max(100) @DefaultValue("20") int maxHops,
            @NotNull @DefaultValue({"IPV4_COMPATIBLE", "NAT64", "SIX_TO_FOUR"}) Set<EmbeddedIpv4> embeddedIpv4) {
    }

    /**
     * The shared buckets and the rules that use them.
     *
     * @param redisUrl Redis holding the shared buckets
     * @param keyPrefix prefix of every bucket key
     * @param redisTimeout hard limit of one Redis call (and of connecting)
     * @param retryInterval after a Redis failure, count locally this long before trying Redis again
     * @param localMaxBuckets per-instance buckets kept while Redis is away
     * @param rules the rate-limit rules, tried in order (see the README); none means the default
     *     {@code sensitive} rule
     */
    public record RateLimit(
            @NotBlank @DefaultValue("redis://127.0.0.1:6379") String redisUrl,
            @NotNull @DefaultValue("ipt:rl:") String keyPrefix,
            @NotNull @DefaultValue("100ms") Duration redisTimeout,
            @NotNull @DefaultValue("5s") Duration retryInterval,
            @Min(1000) @DefaultValue("100000") int localMaxBuckets,
            @NotNull @DefaultValue List<@Valid Rule> rules) {

        /** The default when no rules are configured: the original system's sensitive-path limit. */
        public List<RateLimitRule> effectiveRules() {
            if (rules.isEmpty()) {
                return List.of(new RateLimitRule("sensitive", List.of("/login", "/admin/**"), Set.of(), 5, 10, null,
                        Duration.ofMinutes(1), Enforcement.ENFORCE, FailMode.OPEN));
            }
            return rules.stream().map(Rule::toRule).toList();
        }
    }

    public record Rule(
            @NotBlank String name,
            @NotNull List<String> paths,
            @NotNull @DefaultValue Set<String> methods,
            @Min(1) long anonymousLimit,
            @Min(1) long authenticatedLimit,
            @Min(1) Long authenticatedIpLimit,
            @NotNull @DefaultValue("1m") Duration period,
            @NotNull @DefaultValue("ENFORCE") Enforcement enforcement,
            @NotNull @DefaultValue("OPEN") FailMode failMode) {

        RateLimitRule toRule() {
            return new RateLimitRule(name, paths, methods, anonymousLimit, authenticatedLimit, authenticatedIpLimit,
                    period, enforcement, failMode);
        }
    }

    /**
     * How authenticated clients are recognised: a JWT HMAC secret or a PEM public key (at most one), the
     * claims a token must hold ({@code exp} unless {@code requireExpiry} is false; {@code iss} and
     * {@code aud} when set), and the secret that pseudonymizes their subjects in keys and events.
     *
     * @param jwtHmacSecret verify bearer JWTs with this HMAC secret (at least 32 bytes) …
     * @param jwtPublicKey … or with this RSA or EC public key (PEM); at most one of the two
     * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat}
     * @param requireExpiry a token without {@code exp} is anonymous
     * @param issuer when set, a token's {@code iss} must equal it
     * @param audience when set, a token's {@code aud} must contain it
     * @param subjectSecret required with a JWT key: subjects are HMAC-pseudonymized with it before they
     *     reach Redis keys and events
     */
    public record Auth(String jwtHmacSecret, String jwtPublicKey, @NotNull @DefaultValue("30s") Duration clockSkew,
            @DefaultValue("true") boolean requireExpiry, String issuer, String audience, String subjectSecret) {
    }

    /**
     * The edge's topics. The broker and client settings are Spring Boot's {@code spring.kafka.*}.
     *
     * @param replicationFactor replication factor of the topics this service creates on a fresh cluster
     */
    public record Kafka(@Min(1) @DefaultValue("1") int replicationFactor) {
    }

    /**
     * Request events: how many, and how many bytes of them, may wait while Kafka is slow or away before
     * new ones are dropped.
     *
     * @param queueCapacity request events held while Kafka is slow or away; beyond it they are dropped
     *     and counted
     * @param queueMaxBytes … and at most this many bytes of them (estimated), whichever bound comes first
     */
    public record Events(@Min(1) @DefaultValue("100000") int queueCapacity,
            @NotNull @DefaultValue("64MB") DataSize queueMaxBytes) {
    }
}
