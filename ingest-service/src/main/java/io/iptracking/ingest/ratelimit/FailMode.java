package io.iptracking.ingest.ratelimit;

/** What a rule does while the shared bucket store (Redis) is unavailable. */
public enum FailMode {
    /** Count in per-instance in-memory buckets: limits still apply, per edge instance. */
    OPEN,
    /** Refuse every request the rule matches until the store is back. */
    CLOSED
}
