package io.iptracking.ingest.edge;

import io.iptracking.common.event.Decision;
import io.iptracking.ingest.ratelimit.RateLimitOutcome;
import io.iptracking.ingest.ratelimit.RateLimitRule;

/**
 * What the edge does with a request, and why.
 *
 * @param decision the outcome recorded in the request event
 * @param rule what decided: a list entry ({@code blocklist:203.0.113.0/24}) or a rate-limit rule name;
 *     null when nothing applied
 * @param limitRule the rate-limit rule that counted the request, if any (for response headers)
 * @param limitOutcome its bucket's answer, if a rule counted the request
 * @param subject the pseudonymized subject of an authenticated client, else null
 * @param shadowRefusal true when a shadow-mode rule would have refused the request
 */
public record EdgeDecision(
        Decision decision,
        String rule,
        RateLimitRule limitRule,
        RateLimitOutcome limitOutcome,
        String subject,
        boolean shadowRefusal) {

    static EdgeDecision of(Decision decision, String rule) {
        return new EdgeDecision(decision, rule, null, null, null, false);
    }

    public boolean refused() {
        return decision.refused();
    }
}
