package io.iptracking.enrichment;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything enrichment can be told, with its defaults. Each property is listed in the README with the
 * environment variable that sets it; bad values stop start-up with a message naming the property.
 */
@Validated
@ConfigurationProperties("enrichment")
public record EnrichmentProperties(
        @Valid @NotNull @DefaultValue GeoIp geoip,
        @Valid @NotNull @DefaultValue Kafka kafka) {

    /**
     * The GeoIP databases and the per-IP cache in front of them.
     *
     * @param cityDatabase a GeoIP2/GeoLite2 City database (or a Country one: no city or coordinates then)
     * @param asnDatabase a GeoLite2/GeoIP2 ASN database; empty for none (no ASN fields then)
     * @param required true: a database that cannot be opened at start-up stops the service; false: it
     *     runs with empty geo fields, says so in health, and loads the file when it appears
     * @param reloadInterval how often the files are checked for a new version
     * @param cacheSize per-IP answers kept in memory; 0 turns the per-IP cache off
     * @param cacheExpiry how long one per-IP answer is kept
     * @param nodeCacheSize decoded database nodes cached per database (GeoIP2's node cache)
     */
    public record GeoIp(
            @NotNull @DefaultValue("/usr/share/GeoIP/GeoLite2-City.mmdb") Path cityDatabase,
            Path asnDatabase,
            @DefaultValue("true") boolean required,
            @NotNull @DefaultValue("1m") Duration reloadInterval,
            @Min(0) @DefaultValue("100000") long cacheSize,
            @NotNull @DefaultValue("24h") Duration cacheExpiry,
            @Min(1) @Max(10_000_000) @DefaultValue("4096") int nodeCacheSize) {

        public GeoIp {
            if (reloadInterval != null && reloadInterval.compareTo(Duration.ofMillis(10)) < 0) {
                throw new IllegalArgumentException("enrichment.geoip.reload-interval must be at least 10ms, was " + reloadInterval);
            }
            if (cacheExpiry != null && (cacheExpiry.isNegative() || cacheExpiry.isZero())) {
                throw new IllegalArgumentException("enrichment.geoip.cache-expiry must be positive, was " + cacheExpiry);
            }
            if (asnDatabase != null && asnDatabase.toString().isBlank()) {
                asnDatabase = null;
            }
        }
    }

    /**
     * The broker and the Kafka Streams application.
     *
     * @param replicationFactor for the topics this service creates on a fresh cluster, and for Kafka
     *     Streams' internal topics
     * @param applicationId the Kafka Streams application id: consumer group and transactional id prefix;
     *     every instance of the service shares it
     * @param streamThreads stream threads per instance; partitions beyond them wait, so up to 6 (the
     *     partitions of ip.requests.v1) across all instances do work; two by default, one per core of the
     *     smallest machine the stack runs on (EnrichmentBenchmark on a 2-core VM: 1 thread ~175k events/s, 2 ~210k)
     * @param commitInterval how often offsets and output are committed; with exactly-once, the enriched
     *     events become visible to readers only then
     * @param stateDir Kafka Streams' local directory (this topology keeps no state, but Streams locks
     *     it); unset for Kafka Streams' default under {@code java.io.tmpdir}
     */
    public record Kafka(
            @Min(1) @DefaultValue("1") int replicationFactor,
            @NotBlank @DefaultValue("enrichment-service") String applicationId,
            @Min(1) @Max(64) @DefaultValue("2") int streamThreads,
            @NotNull @DefaultValue("100ms") Duration commitInterval,
            Path stateDir) {
    }
}
