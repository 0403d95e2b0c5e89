package io.iptracking.common.event;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import java.time.Instant;
import java.util.UUID;

/**
 * An IP that a detection rule found abusive: the value of the public topic
 * {@link io.iptracking.common.kafka.Topics#FLAGGED}, keyed by {@link #ip()}. Other systems (SIEM,
 * firewalls) read it; its JSON Schema comes from {@link io.iptracking.common.kafka.PublicSchemas}.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} when written by this code
 * @param flagId unique per flag; consumers use it to drop duplicates
 * @param ip the flagged IP
 * @param rule the rule that fired; an unknown rule name reads as {@link FlagRule#UNKNOWN}
 * @param reason one human sentence saying why, for an operator or a ticket
 * @param severity how urgent
 * @param score the rule's score, comparable between flags of the same rule
 * @param windowStart start of the window the rule looked at (event time), inclusive
 * @param windowEnd end of that window, not before {@code windowStart}
 * @param requestCount requests from the IP in the window
 * @param evidence what the rule measured
 * @param geo where the IP is; {@link Geo#UNKNOWN} when nothing is known, never null
 * @param detectedAt when detection emitted the flag (processing time)
 * @param network the client network the rule counted, containing {@link #ip()} (an IPv6 /64, say);
 *     null when the rule counted the single address. Optional in the JSON: absent when null, and a
 *     flag without it reads as null, so readers and writers that do not know it keep working.
 */
public record FlaggedIp(
        // A primitive has no null to reject: required, so that a missing field is an error, not 0.
        @JsonProperty(required = true) int schemaVersion,
        UUID flagId,
        ClientIp ip,
        // Per property rather than a mapper setting, so that every Jackson mapper that reads this
        // record (the shared one, a REST layer's, a test's) is lenient to rules added later.
        @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
        FlagRule rule,
        String reason,
        Severity severity,
        @JsonProperty(required = true) double score,
        Instant windowStart,
        Instant windowEnd,
        @JsonProperty(required = true) long requestCount,
        Evidence evidence,
        Geo geo,
        Instant detectedAt,
        Cidr network) {

    /** The version this code writes. */
    public static final int SCHEMA_VERSION = 1;

    /** The longest {@link #reason()}. */
    public static final int MAX_REASON = 4096;

    public FlaggedIp {
        Checks.schemaVersion(schemaVersion, "FlaggedIp");
        Checks.notNull(flagId, "FlaggedIp.flagId");
        Checks.notNull(ip, "FlaggedIp.ip");
        Checks.notNull(rule, "FlaggedIp.rule");
        Checks.text(Checks.notBlank(reason, "FlaggedIp.reason"), MAX_REASON, "FlaggedIp.reason");
        Checks.notNull(severity, "FlaggedIp.severity");
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("FlaggedIp.score must be finite, was " + score);
        }
        Checks.instant(windowStart, "FlaggedIp.windowStart");
        Checks.instant(windowEnd, "FlaggedIp.windowEnd");
        if (windowEnd.isBefore(windowStart)) {
            throw new IllegalArgumentException(
                    "FlaggedIp.windowEnd " + windowEnd + " is before FlaggedIp.windowStart " + windowStart);
        }
        Checks.notNegative(requestCount, "FlaggedIp.requestCount");
        Checks.notNull(evidence, "FlaggedIp.evidence");
        Checks.notNull(geo, "FlaggedIp.geo");
        Checks.instant(detectedAt, "FlaggedIp.detectedAt");
        if (network != null && !network.contains(ip)) {
            throw new IllegalArgumentException("FlaggedIp.network " + network + " does not contain FlaggedIp.ip " + ip);
        }
    }

    /** A flag of a single address, without {@link #network()}. */
    public FlaggedIp(int schemaVersion, UUID flagId, ClientIp ip, FlagRule rule, String reason, Severity severity,
            double score, Instant windowStart, Instant windowEnd, long requestCount, Evidence evidence, Geo geo,
            Instant detectedAt) {
        this(schemaVersion, flagId, ip, rule, reason, severity, score, windowStart, windowEnd, requestCount, evidence,
                geo, detectedAt, null);
    }

    /** A flag of the current {@link #SCHEMA_VERSION}; {@code network} null for a single address. */
    public FlaggedIp(UUID flagId, ClientIp ip, FlagRule rule, String reason, Severity severity, double score,
            Instant windowStart, Instant windowEnd, long requestCount, Evidence evidence, Geo geo,
            Instant detectedAt, Cidr network) {
        this(SCHEMA_VERSION, flagId, ip, rule, reason, severity, score, windowStart, windowEnd, requestCount,
                evidence, geo, detectedAt, network);
    }

    /** A flag of a single address, of the current {@link #SCHEMA_VERSION}. */
    public FlaggedIp(UUID flagId, ClientIp ip, FlagRule rule, String reason, Severity severity, double score,
            Instant windowStart, Instant windowEnd, long requestCount, Evidence evidence, Geo geo,
            Instant detectedAt) {
        this(flagId, ip, rule, reason, severity, score, windowStart, windowEnd, requestCount, evidence, geo, detectedAt,
                null);
    }
}
