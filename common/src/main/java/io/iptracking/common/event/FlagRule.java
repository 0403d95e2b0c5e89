package io.iptracking.common.event;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/**
 * The detection rule that flagged an IP.
 *
 * <p>New rules are added without a new topic version, so readers must not fail on a name they do not
 * know: {@link FlaggedIp#rule()} reads any unknown name as {@link #UNKNOWN} (the property is
 * annotated for it, so this holds for any Jackson mapper, not only the shared one). Switches over
 * this enum need a branch for {@code UNKNOWN}.
 */
public enum FlagRule {
    /** More requests in the window than the volume threshold. */
    HIGH_VOLUME,
    /** Requests to paths that an ordinary client has no business with ({@code /.env}, {@code /wp-admin}…). */
    SENSITIVE_PATH,
    /** Repeated 401/403 responses: password guessing or token stuffing. */
    AUTH_FAILURES,
    /** Many distinct paths, mostly answered 404: a crawler probing for weaknesses. */
    SCANNING,
    /** The anomaly score crossed its threshold without a single rule doing so. */
    ANOMALY,
    /**
     * Read in place of a rule name this version does not know. Never produced: a producer that sent
     * it would lose the real rule name.
     */
    @JsonEnumDefaultValue
    UNKNOWN
}
