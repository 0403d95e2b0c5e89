package io.iptracking.common.event;

/** What the edge did with a request. */
public enum Decision {
    /** No list entry or rate limit stopped it. */
    ALLOWED,
    /** An allowlist entry matched. */
    ALLOWLISTED,
    /** A blocklist entry matched. */
    BLOCKED,
    /** A rate-limit rule refused it. */
    RATE_LIMITED;

    /** Whether the edge answered the request itself (403 or 429) instead of letting it through. */
    public boolean refused() {
        return this == BLOCKED || this == RATE_LIMITED;
    }
}
