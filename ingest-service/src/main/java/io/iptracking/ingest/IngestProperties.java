package io.iptracking.ingest;

import io.iptracking.common.event.Mode;
import io.iptracking.common.ip.Cidr;
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
import org.springframework.validation.annotation.Validated;

/**
 * Everything the edge can be told, with its defaults. Each property is listed in the README with the
 * environment variable that sets it; bad values stop start-up with a message naming the property.
 */
@Validated
@ConfigurationProperties("ingest")
public record IngestProperties(
        @NotNull @DefaultValue("PROXY") Mode mode,
        @Valid @NotNull @DefaultValue Traffic traffic,
        @Valid @NotNull @DefaultValue Upstream upstream,
        @Valid @NotNull @DefaultValue ClientIpSettings clientIp,
        @Valid @NotNull @DefaultValue RateLimit rateLimit,
        @Valid @NotNull @DefaultValue Auth auth,
        @Valid @NotNull @DefaultValue Kafka kafka,
        @Valid @NotNull @DefaultValue Events events) {

    /** The traffic port (proxied requests or forward-auth checks). */
    public record Traffic(@NotBlank @DefaultValue("0.0.0.0") String host, @Min(0) @Max(65535) @DefaultValue("8080") int port) {
    }

    /** The application behind the edge (proxy mode). */
    public record Upstream(
            @NotNull @DefaultValue("http://127.0.0.1:3000") URI url,
            @NotNull @DefaultValue("2s") Duration connectTimeout,
            @NotNull @DefaultValue("30s") Duration responseTimeout,
            @Min(1) @DefaultValue("512") int maxConnections) {
    }

    /** Which proxies in front of the edge are believed, and which header they write. */
    public record ClientIpSettings(
            @NotNull @DefaultValue List<Cidr> trustedProxies,
            @NotNull @DefaultValue("X_FORWARDED_FOR") ForwardedHeader header,
            @Min(1) @Max(100) @DefaultValue("20") int maxHops) {
    }

    /** The shared buckets and the rules that use them. */
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
                return List.of(new RateLimitRule("sensitive", List.of("/login", "/admin/**"), Set.of(), 5, 10,
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
            @NotNull @DefaultValue("1m") Duration period,
            @NotNull @DefaultValue("ENFORCE") Enforcement enforcement,
            @NotNull @DefaultValue("OPEN") FailMode failMode) {

        RateLimitRule toRule() {
            return new RateLimitRule(name, paths, methods, anonymousLimit, authenticatedLimit, period, enforcement, failMode);
        }
    }

    /**
     * How authenticated clients are recognised: a JWT HMAC secret or a PEM public key (at most one),
     * and the secret that pseudonymizes their subjects in keys and events.
     */
    public record Auth(String jwtHmacSecret, String jwtPublicKey, @NotNull @DefaultValue("30s") Duration clockSkew,
            String subjectSecret) {
    }

    /** The broker, and the replication factor used when the edge creates its topics on a fresh cluster. */
    public record Kafka(@NotBlank @DefaultValue("127.0.0.1:9092") String bootstrapServers,
            @Min(1) @DefaultValue("1") int replicationFactor) {
    }

    /** Request events: how many may wait while Kafka is slow or away before new ones are dropped. */
    public record Events(@Min(1) @DefaultValue("100000") int queueCapacity) {
    }
}
