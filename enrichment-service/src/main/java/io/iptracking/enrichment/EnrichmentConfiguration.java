package io.iptracking.enrichment;

import com.github.benmanes.caffeine.cache.Ticker;
import io.iptracking.common.kafka.Topics;
import io.iptracking.enrichment.geo.DatabaseInfo;
import io.iptracking.enrichment.geo.DatabaseRole;
import io.iptracking.enrichment.geo.GeoDatabaseException;
import io.iptracking.enrichment.geo.MaxMindGeoLookup;
import io.iptracking.enrichment.stream.EnrichmentCounters;
import io.iptracking.enrichment.stream.EnrichmentTopology;
import io.iptracking.streams.DeadLetters;
import io.iptracking.streams.StreamsSetup;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.core.KafkaAdmin;

/** Wires enrichment: the one place where configuration meets the parts. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EnrichmentProperties.class)
class EnrichmentConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    MaxMindGeoLookup geoLookup(EnrichmentProperties p, Clock clock, MeterRegistry registry) {
        EnrichmentProperties.GeoIp g = p.geoip();
        MaxMindGeoLookup lookup;
        try {
            lookup = MaxMindGeoLookup.open(new MaxMindGeoLookup.Settings(g.cityDatabase(), g.asnDatabase(),
                    g.nodeCacheSize(), g.cacheSize(), g.cacheExpiry()), g.required(), Ticker.systemTicker(), clock);
        } catch (GeoDatabaseException e) {
            throw new IllegalStateException(e.getMessage() + ". Point ENRICHMENT_GEOIP_CITY_DATABASE (and"
                    + " ENRICHMENT_GEOIP_ASN_DATABASE) at MaxMind databases (deploy/geoip/fetch-geolite2.sh fetches"
                    + " GeoLite2 City and Country; geoipupdate fetches current ones with a licence key), or set"
                    + " ENRICHMENT_GEOIP_REQUIRED=false to run with empty geo fields until they appear", e);
        }
        lookup.watch(g.reloadInterval());

        FunctionCounter.builder("ipt.enrichment.geo.lookups", lookup, MaxMindGeoLookup::cacheHits).tag("source", "cache")
                .description("GeoIP lookups, by where the answer came from").register(registry);
        FunctionCounter.builder("ipt.enrichment.geo.lookups", lookup, MaxMindGeoLookup::databaseLookups)
                .tag("source", "database").register(registry);
        FunctionCounter.builder("ipt.enrichment.geo.lookups", lookup, MaxMindGeoLookup::nonRoutableLookups)
                .tag("source", "non_routable").register(registry);
        Gauge.builder("ipt.enrichment.geo.cache.hit.ratio", lookup, MaxMindGeoLookup::cacheHitRatio)
                .description("Share of database-backed lookups answered by the per-IP cache").register(registry);
        FunctionCounter.builder("ipt.enrichment.geo.errors", lookup, MaxMindGeoLookup::errors)
                .description("Lookups that failed inside a database and gave empty geo fields").register(registry);
        FunctionCounter.builder("ipt.enrichment.geo.reloads", lookup, MaxMindGeoLookup::reloads).tag("result", "success")
                .description("Database files swapped in, or not, after they changed on disk").register(registry);
        FunctionCounter.builder("ipt.enrichment.geo.reloads", lookup, MaxMindGeoLookup::failedReloads)
                .tag("result", "failure").register(registry);
        Gauge.builder("ipt.enrichment.geo.degraded", lookup, l -> l.isDegraded() ? 1 : 0)
                .description("1 while a configured database is not loaded and its fields stay empty").register(registry);
        for (DatabaseRole role : DatabaseRole.values()) {
            Gauge.builder("ipt.enrichment.geo.database.build", lookup,
                            l -> l.database(role).map(d -> (double) d.buildTime().getEpochSecond()).orElse(Double.NaN))
                    .tag("database", role.tag()).baseUnit("seconds")
                    .description("When MaxMind built the database in use (Unix time)").register(registry);
            Gauge.builder("ipt.enrichment.geo.database.age", lookup,
                            l -> l.database(role).map(d -> ageSeconds(d, clock)).orElse(Double.NaN))
                    .tag("database", role.tag()).baseUnit("seconds")
                    .description("How old the data of the database in use is").register(registry);
        }
        return lookup;
    }

    /** What could not be read or processed: dead-lettered and counted ({@code ipt_streams_dead_lettered_total}). */
    @Bean
    DeadLetters deadLetters() {
        return new DeadLetters();
    }

    @Bean
    EnrichmentCounters enrichmentCounters(DeadLetters deadLetters, MeterRegistry registry) {
        EnrichmentCounters counters = new EnrichmentCounters(deadLetters);
        FunctionCounter.builder("ipt.enrichment.events", counters, EnrichmentCounters::enrichedCount)
                .tag("outcome", "enriched").description("Request events read, by what became of them").register(registry);
        FunctionCounter.builder("ipt.enrichment.events", counters, EnrichmentCounters::deadLetteredCount)
                .tag("outcome", "dead_letter").register(registry);
        return counters;
    }

    /** The topics enrichment reads and writes, created at start-up with the catalogue's settings. */
    @Bean
    KafkaAdmin.NewTopics enrichmentTopics(EnrichmentProperties p) {
        return new KafkaAdmin.NewTopics(Stream.of(Topics.REQUESTS, Topics.ENRICHED_REQUESTS, Topics.REQUESTS_DLQ)
                .map(t -> t.newTopic(p.kafka().replicationFactor())).toArray(NewTopic[]::new));
    }

    @Bean
    StreamsBuilderFactoryBean enrichmentStreams(EnrichmentProperties p, KafkaProperties kafka, MaxMindGeoLookup geo,
            EnrichmentCounters counters, DeadLetters deadLetters, MeterRegistry registry) {
        return StreamsSetup.application("enrichment", streamsConfig(p.kafka(), kafka, deadLetters),
                topology -> EnrichmentTopology.addTo(topology, geo, counters), registry);
    }

    /** Per partition of the output topics; the producer's buffer (32 MiB) holds all of them many times. */
    static final int PRODUCER_BATCH_BYTES = 256 * 1024;

    static Properties streamsConfig(EnrichmentProperties.Kafka k, KafkaProperties kafka, DeadLetters deadLetters) {
        Properties config = StreamsSetup.properties(kafka, new StreamsSetup.Settings(k.applicationId(), k.streamThreads(),
                k.replicationFactor(), k.commitInterval(), k.stateDir() == null ? null : k.stateDir().toString()), deadLetters);
        // No state stores: nothing to cache.
        config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // As the edge writes requests: JSON shrinks several times, and every request is kept 7 days.
        config.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        // Kafka's 16 KiB default closes a batch every ~45 records of 360 bytes; each batch costs the stream
        // thread and the broker about as much as the records in it (EnrichmentBenchmark's pass-through,
        // 500,000 records, one thread: 177k records/s at 16 KiB, 309k at 256 KiB).
        config.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
        return config;
    }

    /** Not ready until the databases are loaded, unless configured to run without them (then it says so). */
    @Bean
    HealthIndicator geoip(MaxMindGeoLookup geo, EnrichmentProperties p, Clock clock) {
        return () -> {
            boolean loaded = !geo.isDegraded();
            Health.Builder health = loaded || !p.geoip().required() ? Health.up() : Health.outOfService();
            health.withDetail("degraded", !loaded);
            for (DatabaseRole role : DatabaseRole.values()) {
                geo.database(role).ifPresent(d -> health.withDetail(role.tag(), details(d, clock)));
            }
            if (geo.lastReloadError() != null) {
                health.withDetail("lastError", geo.lastReloadError());
            }
            return health.withDetail("reloads", geo.reloads()).withDetail("failedReloads", geo.failedReloads()).build();
        };
    }

    /** Ready while the stream runs or rebalances (see {@link StreamsSetup#readiness}). */
    @Bean
    HealthIndicator stream(StreamsBuilderFactoryBean enrichmentStreams) {
        return StreamsSetup.readiness(enrichmentStreams);
    }

    private static Map<String, Object> details(DatabaseInfo d, Clock clock) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("path", d.path().toString());
        details.put("type", d.type());
        details.put("buildTime", d.buildTime().toString());
        details.put("ageDays", (long) (ageSeconds(d, clock) / 86_400));
        details.put("loadedAt", d.loadedAt().toString());
        return details;
    }

    private static double ageSeconds(DatabaseInfo d, Clock clock) {
        return Duration.between(d.buildTime(), clock.instant()).toSeconds();
    }
}
