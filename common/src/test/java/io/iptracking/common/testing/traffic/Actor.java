package io.iptracking.common.testing.traffic;

/** Who is behind an IP in generated traffic: the label a detection evaluation is scored against. */
public enum Actor {
    /** A person browsing the shop, anonymous or signed in, in sessions that follow the daily rhythm. */
    USER(false),
    /** A partner's integration: authenticated, steady, heavy (hundreds of requests an hour), legitimate. */
    API_CLIENT(false),
    /** A vulnerability scanner: hundreds of probes for well-known weak spots in minutes, mostly 404. */
    SCANNER(true),
    /** Password guessing against the login, rotating user agents, mostly 401. */
    CREDENTIAL_STUFFER(true),
    /** Copies the catalogue page by page at a steady pace, staying under a naive hourly volume limit. */
    SCRAPER(true),
    /**
     * Probes a few well-known paths every few minutes for hours, avoiding {@code /admin} and
     * {@code /login}, below every count threshold.
     */
    LOW_AND_SLOW_PROBER(true),
    /**
     * A scanner that sends each request from a new address of its IPv6 /64 (a host holds all 2^64 of
     * them), so that no single address is seen twice.
     */
    IPV6_ROTATOR(true);

    private final boolean attacker;

    Actor(boolean attacker) {
        this.attacker = attacker;
    }

    public boolean isAttacker() {
        return attacker;
    }
}
