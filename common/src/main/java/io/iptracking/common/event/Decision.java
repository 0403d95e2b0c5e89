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
    RATE_LIMITED,
    /**
     * The edge refused it before any rule, because it could not be understood completely or is not
     * allowed (400, 403 to a forward-auth caller that is not a trusted proxy, 405, 414, 431); the
     * event's rule says why.
     */
    INVALID;

    /** Whether the edge answered the request itself (400, 403, 405, 414, 429, 431) instead of letting it through. */
    public boolean refused() {
        return this != ALLOWED && this != ALLOWLISTED;
    }
}
