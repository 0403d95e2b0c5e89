package io.iptracking.ingest;

import io.github.bucket4j.TimeMeter;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.kafka.ListFeed;
import io.iptracking.common.kafka.Topics;
import io.iptracking.ingest.auth.Pseudonymizer;
import io.iptracking.ingest.auth.BearerTokens;
import io.iptracking.ingest.edge.EdgePolicy;
import io.iptracking.ingest.events.KafkaEventPublisher;
import io.iptracking.ingest.ip.ClientIpResolver;
import io.iptracking.ingest.lists.ClientLists;
import io.iptracking.ingest.lists.ListFeedMeters;
import io.iptracking.ingest.ratelimit.BucketStoreConnection;
import io.iptracking.ingest.ratelimit.FailoverRateLimiter;
import io.iptracking.ingest.ratelimit.LocalRateLimiter;
import io.iptracking.ingest.ratelimit.RateLimitRule;
import io.iptracking.ingest.ratelimit.RateLimitRules;
import io.iptracking.ingest.ratelimit.RedisRateLimiter;
import io.iptracking.ingest.ratelimit.RememberedRefusals;
import io.iptracking.ingest.traffic.EdgeHandler;
import io.iptracking.ingest.traffic.EdgeMetrics;
import io.iptracking.ingest.traffic.RequestReader;
import io.iptracking.ingest.traffic.TrafficServer;
import io.iptracking.ingest.traffic.UpstreamProxies;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.core.convert.converter.Converter;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/** Wires the edge: the one place where configuration meets the parts. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IngestProperties.class)
class IngestConfiguration {

    /** Lets configuration name CIDRs ({@code INGEST_TRUSTED_PROXIES=10.0.0.0/8,192.168.1.5}). */
    @Bean
    @ConfigurationPropertiesBinding
    static Converter<String, Cidr> cidrConverter() {
        return Cidr::parse;
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** The wall clock rate-limit buckets refill by: every instance must agree on it (NTP in production). */
    @Bean
    TimeMeter bucketClock() {
        return TimeMeter.SYSTEM_MILLISECONDS;
    }

    @Bean
    ClientLists clientLists() {
        return new ClientLists();
    }

    /** Created at start-up with the catalogue's settings: a topic the broker auto-created would not have them. */
    @Bean
    KafkaAdmin.NewTopics edgeTopics(IngestProperties p) {
        return new KafkaAdmin.NewTopics(Topics.REQUESTS.newTopic(p.kafka().replicationFactor()),
                Topics.BLOCKLIST.newTopic(p.kafka().replicationFactor()));
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    ListFeed listFeed(KafkaProperties kafka, ClientLists lists, Clock clock) {
        return new ListFeed(Topics.BLOCKLIST, lists, kafka.buildConsumerProperties(), "ingest-list-feed", clock);
    }

    @Bean
    ListFeedMeters listFeedMeters(ListFeed feed) {
        return new ListFeedMeters(feed);
    }

    @Bean(destroyMethod = "close")
    BucketStoreConnection bucketStore(IngestProperties p) {
        return BucketStoreConnection.open(RedisURI.create(p.rateLimit().redisUrl()), p.rateLimit().redisTimeout());
    }

    @Bean
    FailoverRateLimiter rateLimiter(IngestProperties p, BucketStoreConnection store, TimeMeter bucketClock) {
        IngestProperties.RateLimit rl = p.rateLimit();
        Duration longestPeriod = rl.effectiveRules().stream().map(RateLimitRule::period).max(Duration::compareTo)
                .orElse(Duration.ofMinutes(1));
        return new FailoverRateLimiter(
                new RedisRateLimiter(store, rl.keyPrefix(), rl.redisTimeout(), bucketClock),
                new LocalRateLimiter(rl.localMaxBuckets(), longestPeriod, bucketClock),
                rl.retryInterval(), TimeMeter.SYSTEM_NANOTIME);
    }

    /**
     * The limiter the edge asks: Redis's refusals remembered in front of the failover, so that an answer
     * from memory never tells the failover that Redis is back.
     */
    @Bean
    RememberedRefusals rememberedRefusals(FailoverRateLimiter limiter) {
        // At most a second: a hammering client costs one Redis check a second, and a Redis that lost its
        // buckets is believed for no longer than that. As many clients as the Redis limiter keeps bucket
        // proxies for: ~100 bytes each.
        return new RememberedRefusals(limiter, Duration.ofSeconds(1), 100_000, TimeMeter.SYSTEM_NANOTIME);
    }

    @Bean
    EdgePolicy edgePolicy(IngestProperties p, ClientLists lists, RememberedRefusals limiter, Clock clock,
            MeterRegistry registry) {
        IngestProperties.Auth auth = p.auth();
        BearerTokens tokens = null;
        Pseudonymizer subjects = null;
        boolean hmac = notBlank(auth.jwtHmacSecret());
        boolean publicKey = notBlank(auth.jwtPublicKey());
        if (hmac && publicKey) {
            throw new IllegalStateException("set ingest.auth.jwt-hmac-secret or ingest.auth.jwt-public-key, not both");
        }
        if (hmac || publicKey) {
            if (!notBlank(auth.subjectSecret())) {
                throw new IllegalStateException("ingest.auth.subject-secret (INGEST_SUBJECT_SECRET) is required when JWTs are "
                        + "verified: authenticated subjects are pseudonymized with it before they reach Redis keys and events");
            }
            BearerTokens.Claims claims = new BearerTokens.Claims(auth.clockSkew(), auth.requireExpiry(),
                    blankToNull(auth.issuer()), blankToNull(auth.audience()));
            tokens = hmac ? BearerTokens.hmac(auth.jwtHmacSecret(), clock, claims)
                    : BearerTokens.publicKey(auth.jwtPublicKey(), clock, claims);
            tokens.bindTo(registry);
            subjects = Pseudonymizer.ofSecret(auth.subjectSecret());
        }
        return new EdgePolicy(lists, new RateLimitRules(p.rateLimit().effectiveRules()), limiter, tokens, subjects, clock,
                TimeMeter.SYSTEM_NANOTIME);
    }

    @Bean(destroyMethod = "close")
    KafkaEventPublisher eventPublisher(IngestProperties p, KafkaProperties kafka) {
        return new KafkaEventPublisher(Topics.REQUESTS, kafka.buildProducerProperties(), p.events().queueCapacity(),
                p.events().queueMaxBytes().toBytes());
    }

    @Bean
    TrafficServer trafficServer(IngestProperties p, EdgePolicy policy, KafkaEventPublisher events, MeterRegistry registry,
            Clock clock) {
        IngestProperties.ClientIpSettings clientIp = p.clientIp();
        ClientIpResolver resolver = new ClientIpResolver(clientIp.trustedProxies(), clientIp.header(), clientIp.maxHops());
        IngestProperties.Requests limits = p.request();
        RequestReader reader = new RequestReader(resolver, clientIp.embeddedIpv4(), limits.maxTargetLength(),
                limits.maxHeaders(), p.check().allowAnyCaller());
        IngestProperties.Upstream up = p.upstream();
        EdgeMetrics metrics = new EdgeMetrics(registry);
        EdgeHandler handler = new EdgeHandler(p.mode(), policy, reader, events, metrics, clock,
                UpstreamProxies.forMode(p.mode(), up.url(), up.connectTimeout(), up.responseTimeout(), up.maxConnections(),
                        resolver, up.stripHeaders(), up.forwarded()));
        return new TrafficServer(p.traffic().host(), p.traffic().port(), handler,
                Math.toIntExact(limits.maxHeaderBytes().toBytes()), handler.unparsedRequests());
    }

    /** Not ready until the lists are loaded: an edge that has not read the blocklist would let blocked IPs in. */
    @Bean
    HealthIndicator lists(ListFeed feed, ClientLists lists) {
        return () -> (feed.isCaughtUp() ? Health.up() : Health.outOfService())
                .withDetail("caughtUp", feed.isCaughtUp())
                .withDetail("lag", feed.lag())
                .withDetail("feedFailures", feed.failures())
                .withDetail("blocks", lists.blockCount())
                .withDetail("allows", lists.allowCount())
                .build();
    }

    /** Reports per-instance counting; stays UP because the edge keeps serving (fail-open by default). */
    @Bean
    HealthIndicator rateLimitStore(FailoverRateLimiter limiter) {
        return () -> Health.up()
                .withDetail("shared", !limiter.isDegraded())
                .withDetail("storeErrors", limiter.storeErrors())
                .build();
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static String blankToNull(String s) {
        return notBlank(s) ? s : null;
    }
}
