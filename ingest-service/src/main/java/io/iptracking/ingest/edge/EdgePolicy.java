package io.iptracking.ingest.edge;

import io.github.bucket4j.TimeMeter;
import io.iptracking.common.event.Decision;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.privacy.Pseudonymizer;
import io.iptracking.ingest.auth.BearerTokens;
import io.iptracking.ingest.lists.ClientLists;
import io.iptracking.ingest.ratelimit.Enforcement;
import io.iptracking.ingest.ratelimit.RateLimitOutcome;
import io.iptracking.ingest.ratelimit.RateLimitRule;
import io.iptracking.ingest.ratelimit.RateLimitRules;
import io.iptracking.ingest.ratelimit.RateLimiter;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Decides what happens to a request, in order: the allowlist lets it through untouched, the blocklist
 * refuses it, then the first matching rate-limit rule counts it. Only requests that a rule matches
 * cost a bucket-store round trip; everything else is answered from memory.
 */
public final class EdgePolicy {

    private final ClientLists lists;
    private final RateLimitRules rules;
    private final RateLimiter limiter;
    private final BearerTokens tokens;
    private final Pseudonymizer subjects;
    private final Clock clock;
    private final ShadowRefusals shadowRefusals;

    /**
     * @param tokens verifies bearer tokens; null when no key is configured (every client anonymous)
     * @param subjects pseudonymizes authenticated subjects before they reach keys and events
     * @param clock the wall clock that list entries expire by
     * @param time the monotonic clock that paces the shadow rules' log lines
     */
    public EdgePolicy(ClientLists lists, RateLimitRules rules, RateLimiter limiter, BearerTokens tokens,
            Pseudonymizer subjects, Clock clock, TimeMeter time) {
        this.lists = lists;
        this.rules = rules;
        this.limiter = limiter;
        this.tokens = tokens;
        this.subjects = subjects;
        this.clock = clock;
        this.shadowRefusals = new ShadowRefusals(time);
    }

    public CompletableFuture<EdgeDecision> decide(EdgeRequest request) {
        Optional<ListEntry> entry = lists.decidingEntry(request.ip(), clock.instant());
        if (entry.isPresent()) {
            ListEntry e = entry.get();
            return CompletableFuture.completedFuture(e.action() == ListAction.ALLOW
                    ? EdgeDecision.of(Decision.ALLOWLISTED, "allowlist:" + e.cidr())
                    : EdgeDecision.of(Decision.BLOCKED, "blocklist:" + e.cidr()));
        }
        Optional<RateLimitRule> matched = rules.match(request.method(), request.path());
        if (matched.isEmpty()) {
            return CompletableFuture.completedFuture(EdgeDecision.of(Decision.ALLOWED, null));
        }
        RateLimitRule rule = matched.get();
        String subject = tokens == null ? null
                : tokens.subject(request.authorization()).map(subjects::pseudonymize).orElse(null);
        String key = rule.bucketKey(request.ip(), subject);
        return limiter.tryConsume(key, rule.limit(subject != null))
                .thenApply(outcome -> decision(rule, key, outcome, subject));
    }

    private EdgeDecision decision(RateLimitRule rule, String key, RateLimitOutcome outcome, String subject) {
        if (outcome.allowed()) {
            return new EdgeDecision(Decision.ALLOWED, rule.name(), rule, outcome, subject, false);
        }
        if (rule.enforcement() == Enforcement.SHADOW) {
            shadowRefusals.refused(rule, key, outcome);
            return new EdgeDecision(Decision.ALLOWED, rule.name(), rule, outcome, subject, true);
        }
        return new EdgeDecision(Decision.RATE_LIMITED, rule.name(), rule, outcome, subject, false);
    }
}
