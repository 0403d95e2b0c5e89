package io.iptracking.detection;

import io.iptracking.common.apikey.ApiKey;
import io.iptracking.common.event.SensitivePathPatterns;
import io.iptracking.common.event.Severity;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything detection can be told, with its defaults (the one place they are given: the README's
 * configuration table and {@code .env.example} are generated from them). Bad values stop start-up with
 * a message naming the property.
 */
@Validated
@ConfigurationProperties("detection")
public record DetectionProperties(
        @Valid @NotNull @DefaultValue Kafka kafka,
        @Valid @NotNull @DefaultValue Window window,
        @Valid @NotNull @DefaultValue Network network,
        @Valid @NotNull @DefaultValue Rules rules,
        @Valid @NotNull @DefaultValue Anomaly anomaly,
        @Valid @NotNull @DefaultValue Activity activity) {

    /**
     * The activity API ({@code /api/v1/ips/{ip}/activity}).
     *
     * @param apiKeys the API keys of the admin API ({@code name:role:sha256hex}, comma-separated); detection's
     *     activity API takes them too, either role; none configured, every {@code /api} call is answered 401
     */
    public record Activity(@NotNull @DefaultValue List<ApiKey> apiKeys) {
    }

    /**
     * The broker and the Kafka Streams application.
     *
     * @param replicationFactor replication factor of the topics detection creates on a fresh cluster and
     *     of Kafka Streams' internal topics
     * @param applicationId the consumer group and prefix of internal topics; every instance of one
     *     deployment uses the same
     * @param stateDir where the state stores live; keep it on a persistent volume so a restart reads
     *     state locally instead of replaying the changelog
     * @param applicationServer {@code host:port} at which other instances reach this one's activity
     *     endpoint (by default this host's loopback address and the HTTP port)
     * @param streamThreads stream threads per instance; two by default, one per core of the smallest
     *     machine the stack runs on: a thread also waits for its commits (DetectionBenchmark on a 2-core
     *     VM at 100 ms commits: 1 thread ~40k events/s, 2 ~51k)
     * @param commitInterval how often transactions commit: flags become visible to read_committed
     *     consumers at commit, so this bounds detection latency
     * @param cacheMaxBytes the record cache of the state stores; it batches store writes to RocksDB
     *     and the changelog, and does not delay flags (they are forwarded directly)
     * @param streams any other Kafka Streams or client setting, passed as is
     *     ({@code session.timeout.ms}, {@code num.standby.replicas}…)
     */
    public record Kafka(
            @Min(1) @DefaultValue("1") int replicationFactor,
            @NotBlank @DefaultValue("ipt-detection") String applicationId,
            @NotBlank @DefaultValue("/tmp/ipt-detection") String stateDir,
            String applicationServer,
            @Min(1) @Max(64) @DefaultValue("2") int streamThreads,
            @NotNull @DefaultValue("100ms") Duration commitInterval,
            @NotNull @DefaultValue("10MB") DataSize cacheMaxBytes,
            @NotNull @DefaultValue Map<String, String> streams) {

        public Kafka {
            positive(commitInterval, "detection.kafka.commit-interval");
        }
    }

    /**
     * The window every rule counts over: the latest {@code size} of a client's requests, counted in
     * buckets of {@code bucket} (see the README for the error bound: a window spans between
     * {@code size - bucket} and {@code size}).
     *
     * @param size the window's length; a multiple of the bucket width
     * @param bucket the width of the time buckets a client's requests are counted in; smaller is more
     *     precise and costs more state per client (one bucket holds a few counters)
     * @param grace how far behind the partition's latest event time a request may arrive and still
     *     count; later ones are dropped and counted in a metric
     * @param coolDown after flagging a client, a rule stays quiet for it this long (event time)
     * @param maintenanceInterval how often (event time) the anomaly model is refitted on its population
     *     sample
     */
    public record Window(
            @NotNull @DefaultValue("1h") Duration size,
            @NotNull @DefaultValue("1m") Duration bucket,
            @NotNull @DefaultValue("5m") Duration grace,
            @NotNull @DefaultValue("1h") Duration coolDown,
            @NotNull @DefaultValue("5m") Duration maintenanceInterval) {

        public Window {
            positive(size, "detection.window.size");
            positive(bucket, "detection.window.bucket");
            notNegative(grace, "detection.window.grace");
            notNegative(coolDown, "detection.window.cool-down");
            positive(maintenanceInterval, "detection.window.maintenance-interval");
            if (size != null && bucket != null && (size.toMillis() % bucket.toMillis() != 0
                    || size.toMillis() / bucket.toMillis() > 10_000)) {
                throw new IllegalArgumentException("detection.window.size (" + size + ") must be a multiple of "
                        + "detection.window.bucket (" + bucket + "), and at most 10,000 of them");
            }
        }

        /** Buckets in one window. */
        public int buckets() {
            return (int) (size.toMillis() / bucket.toMillis());
        }
    }

    /**
     * What the rules count as one client: an IPv4 address, or an IPv6 network. Request events are keyed
     * (so partitioned) by IPv4 address and IPv6 /64 ({@code ClientNetwork}), so detection can count any
     * IPv6 network of /64 or narrower without moving events between instances.
     *
     * @param ipv6Prefix IPv6 clients are counted per network of this prefix length, from 64 (the usual
     *     allocation to one subscriber, so that rotating through its addresses does not evade a rule) to
     *     128 (per address)
     */
    public record Network(@Min(64) @Max(128) @DefaultValue("64") int ipv6Prefix) {

        /** IPv4 clients are counted per address. */
        public int ipv4Prefix() {
            return 32;
        }
    }

    /** The threshold rules. */
    public record Rules(
            @Valid @NotNull @DefaultValue HighVolume highVolume,
            @Valid @NotNull @DefaultValue SensitivePath sensitivePath,
            @Valid @NotNull @DefaultValue AuthFailures authFailures,
            @Valid @NotNull @DefaultValue Scanning scanning) {
    }

    /**
     * HIGH_VOLUME: more than {@code maxRequests} requests in one window.
     *
     * @param enabled false turns the rule off
     * @param maxRequests an IP with more requests than this in one window is flagged
     * @param severity the severity its flags carry
     */
    public record HighVolume(
            @DefaultValue("true") boolean enabled,
            @Min(1) @DefaultValue("100") int maxRequests,
            @NotNull @DefaultValue("MEDIUM") Severity severity) {
    }

    /**
     * SENSITIVE_PATH: at least {@code minCount} requests to {@code paths} (Spring path patterns:
     * {@code /admin/**} matches {@code /admin} and everything below it) in one window.
     *
     * @param enabled false turns the rule off
     * @param paths the path patterns the rule counts; the same variable sets the paths admin's reports
     *     single out
     * @param minCount requests to those paths in one window from which an IP is flagged
     * @param ignoreAuthenticated requests that carry an authenticated subject do not count
     * @param severity the severity its flags carry
     */
    public record SensitivePath(
            @DefaultValue("true") boolean enabled,
            @NotEmpty @DefaultValue({SensitivePathPatterns.ADMIN, SensitivePathPatterns.WP_LOGIN,
                SensitivePathPatterns.XMLRPC, SensitivePathPatterns.DOT_ENV, SensitivePathPatterns.DOT_GIT}) List<@NotBlank String> paths,
            @Min(1) @DefaultValue("1") int minCount,
            @DefaultValue("true") boolean ignoreAuthenticated,
            @NotNull @DefaultValue("MEDIUM") Severity severity) {
    }

    /**
     * AUTH_FAILURES: at least {@code minCount} answers with one of {@code statuses} in one window.
     *
     * @param enabled false turns the rule off
     * @param minCount answers with one of the statuses in one window from which an IP is flagged
     * @param statuses the statuses that count as a failed authentication
     * @param severity the severity its flags carry
     */
    public record AuthFailures(
            @DefaultValue("true") boolean enabled,
            @Min(1) @DefaultValue("20") int minCount,
            @NotEmpty @DefaultValue({"401", "403"}) Set<@Min(400) @Max(599) Integer> statuses,
            @NotNull @DefaultValue("HIGH") Severity severity) {
    }

    /**
     * SCANNING: at least {@code minNotFound} 404 answers, or {@code minDistinctPaths} distinct paths, in
     * one window.
     *
     * @param enabled false turns the rule off
     * @param minNotFound 404 answers in one window from which an IP is flagged
     * @param minDistinctPaths distinct paths in one window from which an IP is flagged
     * @param severity the severity its flags carry
     */
    public record Scanning(
            @DefaultValue("true") boolean enabled,
            @Min(1) @DefaultValue("30") int minNotFound,
            @Min(1) @Max(1024) @DefaultValue("60") int minDistinctPaths,
            @NotNull @DefaultValue("HIGH") Severity severity) {
    }

    /**
     * ANOMALY: the robust z-score of an IP's window features against the recently active population
     * (see {@link io.iptracking.detection.anomaly.PopulationModel}), for IPs no rule has flagged.
     *
     * @param enabled false turns the rule off
     * @param threshold score from which an IP is flagged
     * @param minRequests windows with fewer requests are neither scored nor part of the population:
     *     ratios over a handful of requests say little
     * @param minPopulation the model scores nothing until fitted on at least this many IPs (per
     *     partition)
     * @param populationHorizon the model is fitted on the latest window of each IP active within this
     *     time (event time); a day covers the daily rhythm
     * @param severity the severity its flags carry
     */
    public record Anomaly(
            @DefaultValue("true") boolean enabled,
            @DecimalMin("1.0") @DefaultValue("7.0") double threshold,
            @Min(3) @DefaultValue("10") int minRequests,
            @Min(10) @DefaultValue("50") int minPopulation,
            @NotNull @DefaultValue("24h") Duration populationHorizon,
            @NotNull @DefaultValue("MEDIUM") Severity severity) {

        public Anomaly {
            positive(populationHorizon, "detection.anomaly.population-horizon");
        }
    }

    // Checked here rather than with annotations: Bean Validation has no constraint for Duration.
    private static void positive(Duration d, String property) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(property + " must be positive, was " + d);
        }
    }

    private static void notNegative(Duration d, String property) {
        if (d != null && d.isNegative()) {
            throw new IllegalArgumentException(property + " must not be negative, was " + d);
        }
    }
}
