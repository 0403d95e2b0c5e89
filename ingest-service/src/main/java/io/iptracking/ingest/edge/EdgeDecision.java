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
 * @param invalid why the request was refused unread ({@link Decision#INVALID}), else null
 */
public record EdgeDecision(
        Decision decision,
        String rule,
        RateLimitRule limitRule,
        RateLimitOutcome limitOutcome,
        String subject,
        boolean shadowRefusal,
        InvalidRequest.Reason invalid) {

    public static EdgeDecision of(Decision decision, String rule) {
        return new EdgeDecision(decision, rule, null, null, null, false, null);
    }

    /** A request refused before any rule; its rule is the reason's tag. */
    public static EdgeDecision invalid(InvalidRequest.Reason reason) {
        return new EdgeDecision(Decision.INVALID, reason.tag(), null, null, null, false, reason);
    }

    static EdgeDecision counted(Decision decision, RateLimitRule rule, RateLimitOutcome outcome, String subject,
            boolean shadowRefusal) {
        return new EdgeDecision(decision, rule.name(), rule, outcome, subject, shadowRefusal, null);
    }

    public boolean refused() {
        return decision.refused();
    }
}
