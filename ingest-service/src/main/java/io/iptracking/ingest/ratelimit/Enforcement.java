package io.iptracking.ingest.ratelimit;

/** What a rule does with a request over its limit. */
public enum Enforcement {
    /** Refuse it with 429. */
    ENFORCE,
    /** Count and log it, but let it through: for trying a new limit on real traffic. */
    SHADOW
}
