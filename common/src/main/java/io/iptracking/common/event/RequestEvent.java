package io.iptracking.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.iptracking.common.ip.ClientIp;
import java.time.Instant;
import java.util.UUID;

/**
 * One request seen by the edge: the value of {@link io.iptracking.common.kafka.Topics#REQUESTS},
 * keyed by the client network of {@link #ip()} ({@link io.iptracking.common.ip.ClientNetwork#keyOf}).
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} when written by this code
 * @param eventId unique per request; consumers use it to drop duplicates after a producer retry
 * @param timestamp when the edge received the request, edge clock, UTC; windows use it (event time)
 * @param ip the resolved client IP
 * @param method the HTTP method as received
 * @param host the Host (or, in check mode, the original host) header; null when the request had none
 * @param path the request path as the edge's rules see it: the whole target canonicalized (decoded,
 *     dot and empty segments resolved), then without query string, {@code ;} parameters, trailing dots
 *     or spaces of a segment or trailing slash, lower-cased, at most 2,048 characters, so that a
 *     disguised path counts where it lands; for an {@link Decision#INVALID} request, the request's own
 *     path with every character outside printable ASCII percent-encoded
 * @param status the response status sent to the client; null in {@link Mode#CHECK}, where the edge
 *     never sees the upstream's answer
 * @param latencyMs time spent at the edge until the response (proxy) or the decision (check); null
 *     when not measured
 * @param userAgent the User-Agent header; null when absent
 * @param subject pseudonymized id of the authenticated user, or null; never a raw user id
 * @param decision what the edge did
 * @param rule name of the rate-limit rule or list entry that decided; null when none did
 * @param mode how the edge saw the request
 */
public record RequestEvent(
        // A primitive has no null to reject: required, so that a missing field is an error, not 0.
        @JsonProperty(required = true) int schemaVersion,
        UUID eventId,
        Instant timestamp,
        ClientIp ip,
        String method,
        String host,
        String path,
        Integer status,
        Long latencyMs,
        String userAgent,
        String subject,
        Decision decision,
        String rule,
        Mode mode) {

    /** The version this code writes. */
    public static final int SCHEMA_VERSION = 1;

    /** The longest {@link #method()}. */
    public static final int MAX_METHOD = 32;

    /** The longest {@link #host()}: a 253-character name, a colon and a port. */
    public static final int MAX_HOST = 261;

    /** The longest {@link #path()}. */
    public static final int MAX_PATH = 2048;

    /** The longest {@link #userAgent()}. */
    public static final int MAX_USER_AGENT = 512;

    /** The longest {@link #subject()} and {@link #rule()}. */
    public static final int MAX_NAME = 256;

    /**
     * Checks every field, so that a reader never has to: a value that breaks the contract (a control
     * character, an overlong string, a time outside the years 1 to 9999) cannot be read at all, and a
     * consumer's error handling sends its record to a dead-letter topic.
     */
    public RequestEvent {
        Checks.schemaVersion(schemaVersion, "RequestEvent");
        Checks.notNull(eventId, "RequestEvent.eventId");
        Checks.instant(timestamp, "RequestEvent.timestamp");
        Checks.notNull(ip, "RequestEvent.ip");
        Checks.text(Checks.notBlank(method, "RequestEvent.method"), MAX_METHOD, "RequestEvent.method");
        Checks.text(host, MAX_HOST, "RequestEvent.host");
        Checks.text(Checks.notNull(path, "RequestEvent.path"), MAX_PATH, "RequestEvent.path");
        Checks.text(userAgent, MAX_USER_AGENT, "RequestEvent.userAgent");
        Checks.text(subject, MAX_NAME, "RequestEvent.subject");
        Checks.text(rule, MAX_NAME, "RequestEvent.rule");
        if (status != null && (status < 100 || status > 599)) {
            throw new IllegalArgumentException("RequestEvent.status must be an HTTP status (100-599), was " + status);
        }
        if (latencyMs != null) {
            Checks.notNegative(latencyMs, "RequestEvent.latencyMs");
        }
        Checks.notNull(decision, "RequestEvent.decision");
        Checks.notNull(mode, "RequestEvent.mode");
    }

    /** An event of the current {@link #SCHEMA_VERSION}. */
    public RequestEvent(UUID eventId, Instant timestamp, ClientIp ip, String method, String host, String path,
            Integer status, Long latencyMs, String userAgent, String subject, Decision decision, String rule,
            Mode mode) {
        this(SCHEMA_VERSION, eventId, timestamp, ip, method, host, path, status, latencyMs, userAgent, subject,
                decision, rule, mode);
    }
}
