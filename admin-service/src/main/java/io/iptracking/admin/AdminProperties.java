package io.iptracking.admin;

import io.iptracking.admin.privacy.IpTruncation;
import io.iptracking.common.apikey.ApiKey;
import io.iptracking.common.event.FlagRule;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.event.SensitivePathPatterns;
import io.iptracking.common.event.Severity;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the admin service can be told, with its defaults (the one place they are given: the
 * README's configuration table and {@code .env.example} are generated from them). The database is
 * Spring's own {@code spring.datasource.*}, set by {@code ADMIN_DB_URL}, {@code ADMIN_DB_USER} and
 * {@code ADMIN_DB_PASSWORD}. A bad value stops start-up with a message naming the property.
 */
@Validated
@ConfigurationProperties("admin")
public record AdminProperties(
        @Valid @NotNull @DefaultValue Kafka kafka,
        @Valid @NotNull @DefaultValue Lists lists,
        @Valid @NotNull @DefaultValue Security security,
        @Valid @NotNull @DefaultValue Privacy privacy,
        @Valid @NotNull @DefaultValue RequestLog requestLog,
        @Valid @NotNull @DefaultValue Retention retention,
        @Valid @NotNull @DefaultValue AutoBlock autoBlock,
        @Valid @NotNull @DefaultValue Webhooks webhooks) {

    /**
     * Admin's topics. The broker and client settings are Spring Boot's {@code spring.kafka.*}; how long
     * one call to Kafka may take is {@code spring.kafka.admin.operation-timeout}.
     *
     * @param replicationFactor replication factor of the topics this service creates on a fresh cluster
     */
    public record Kafka(@Min(1) @DefaultValue("1") int replicationFactor) {
    }

    /**
     * The outbox relay and the reconciliation of the blocklist topic with the table.
     *
     * @param relayPollInterval how often the relay looks at the outbox when no notification woke it;
     *     a change normally wakes it at once (LISTEN/NOTIFY)
     * @param reconcileInterval how often the topic is compared with the table (also once at start-up)
     * @param maxPageSize the most entries one page of a list answer may ask for
     */
    public record Lists(
            @NotNull @DefaultValue("1s") Duration relayPollInterval,
            @NotNull @DefaultValue("10m") Duration reconcileInterval,
            @Min(1) @Max(10_000) @DefaultValue("500") int maxPageSize) {
    }

    /**
     * API keys (their SHA-256, never the keys themselves) and the request body limit.
     *
     * @param apiKeys {@code name:role:sha256hex}, comma-separated; role is viewer or operator; none means
     *     every {@code /api} call is answered 401; detection's activity API takes the same keys
     * @param maxRequestSize the largest request body the API reads
     */
    public record Security(
            @NotNull @DefaultValue List<ApiKey> apiKeys,
            @NotNull @DefaultValue("16KB") DataSize maxRequestSize) {
    }

    /**
     * How much of a client IP the request log keeps: a /24 and a /48 by default; 32/128 keeps it whole.
     *
     * @param ipv4Prefix leading bits of an IPv4 client address the request log keeps (32 keeps it whole)
     * @param ipv6Prefix leading bits of an IPv6 client address the request log keeps (128 keeps it whole)
     * @param pseudonymKey secret key (32 characters or more) of the pseudonyms that replace an erased IP
     *     in the audit log and list reasons; keep it out of the database. Empty: a key of the running
     *     process, so no pseudonym can later be linked to an IP, not even to prove an erasure
     */
    public record Privacy(
            @Min(0) @Max(32) @DefaultValue("24") int ipv4Prefix,
            @Min(0) @Max(128) @DefaultValue("48") int ipv6Prefix,
            @NotNull @DefaultValue("") String pseudonymKey) {

        @AssertTrue(message = "admin.privacy.pseudonym-key must be empty or at least 32 characters")
        boolean isPseudonymKeyLongEnough() {
            return pseudonymKey.isEmpty() || pseudonymKey.length() >= 32;
        }

        public IpTruncation truncation() {
            return new IpTruncation(ipv4Prefix, ipv6Prefix);
        }
    }

    /**
     * The request log fed from the enriched request topic.
     *
     * @param enabled false: the request log is not fed (reports stay empty)
     * @param maxBatch most request events written to PostgreSQL in one batch
     * @param sensitivePaths path patterns ({@code /admin/**}) whose requests reports single out; the same
     *     variable sets the paths detection's SENSITIVE_PATH rule counts
     */
    public record RequestLog(
            @DefaultValue("true") boolean enabled,
            @Min(1) @Max(50_000) @DefaultValue("2000") int maxBatch,
            @NotNull @DefaultValue({SensitivePathPatterns.ADMIN, SensitivePathPatterns.WP_LOGIN,
                SensitivePathPatterns.XMLRPC, SensitivePathPatterns.DOT_ENV, SensitivePathPatterns.DOT_GIT})
            List<String> sensitivePaths) {
    }

    /**
     * How long each store keeps data, enforced by a job that runs every {@code interval}.
     *
     * @param requestLog the request log (truncated IPs, paths, user agents)
     * @param flags flagged IPs (full IPs)
     * @param hourly hourly aggregates (no IPs)
     * @param auditLog the audit log (who changed which list entry, erasures by pseudonym)
     * @param interval how often retention is enforced
     */
    public record Retention(
            @NotNull @DefaultValue("30d") Duration requestLog,
            @NotNull @DefaultValue("90d") Duration flags,
            @NotNull @DefaultValue("400d") Duration hourly,
            @NotNull @DefaultValue("400d") Duration auditLog,
            @NotNull @DefaultValue("1h") Duration interval) {

        @AssertTrue(message = "retention periods must be at least one day and the interval positive")
        boolean isSane() {
            Duration day = Duration.ofDays(1);
            return requestLog.compareTo(day) >= 0 && flags.compareTo(day) >= 0 && hourly.compareTo(day) >= 0
                    && auditLog.compareTo(day) >= 0 && interval.isPositive();
        }
    }

    /**
     * Turning flags into temporary blocks; off by default.
     *
     * @param enabled true: flags of the chosen rules and severities block their IP
     * @param rules the rules whose flags block; empty means every rule
     * @param minSeverity flags below this severity never block
     * @param duration how long an automatic block lasts
     */
    public record AutoBlock(
            @DefaultValue("false") boolean enabled,
            @NotNull @DefaultValue Set<FlagRule> rules,
            @NotNull @DefaultValue("HIGH") Severity minSeverity,
            @NotNull @DefaultValue("24h") Duration duration) {

        @AssertTrue(message = "admin.auto-block.duration must be positive")
        boolean isDurationPositive() {
            return duration.isPositive();
        }
    }

    /**
     * Webhooks: where they may go, how they are retried, how long their history is kept.
     *
     * @param allowedDestinations address ranges webhooks may be sent to; a URL's host must resolve to
     *     these only
     * @param refusedDestinations address ranges refused even inside an allowed one, unless an allowed
     *     range is more specific: loopback, link-local (cloud metadata at 169.254.169.254), other cloud
     *     metadata addresses, private and shared networks, IPv6 ranges that carry an IPv4 address
     *     (NAT64, 6to4, Teredo), this-network, multicast and reserved ranges
     * @param firstRetry the wait before the first retry of a failed delivery; each next wait doubles
     * @param maxRetryInterval the longest wait between two attempts
     * @param retryFor how long a delivery is retried before it is dead (kept, shown by the API, retried
     *     on request)
     * @param timeout the most one attempt may take, connecting included; longer is a failure
     * @param concurrency attempts in flight at once, per admin instance
     * @param maxEndpoints the most endpoints that may be registered
     * @param keepDeliveries how long delivered and dead deliveries stay visible through the API
     */
    public record Webhooks(
            @NotNull @DefaultValue({"0.0.0.0/0", "::/0"}) List<Cidr> allowedDestinations,
            @NotNull @DefaultValue({"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
                "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "168.63.129.16/32", "100.100.100.200/32", "224.0.0.0/3",
                "::/127", "64:ff9b::/96", "64:ff9b:1::/48", "2001::/32", "2002::/16", "fc00::/7", "fe80::/10", "fec0::/10",
                "ff00::/8"}) List<Cidr> refusedDestinations,
            @NotNull @DefaultValue("5s") Duration firstRetry,
            @NotNull @DefaultValue("1h") Duration maxRetryInterval,
            @NotNull @DefaultValue("24h") Duration retryFor,
            @NotNull @DefaultValue("10s") Duration timeout,
            @Min(1) @Max(256) @DefaultValue("16") int concurrency,
            @Min(1) @Max(1000) @DefaultValue("50") int maxEndpoints,
            @NotNull @DefaultValue("7d") Duration keepDeliveries) {

        @AssertTrue(message = "admin.webhooks durations must be positive, and max-retry-interval at least first-retry")
        boolean isSane() {
            return firstRetry.isPositive() && maxRetryInterval.compareTo(firstRetry) >= 0 && retryFor.isPositive()
                    && timeout.isPositive() && keepDeliveries.isPositive();
        }
    }
}
