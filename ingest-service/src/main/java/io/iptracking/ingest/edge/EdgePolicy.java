package io.iptracking.ingest.edge;

import io.github.bucket4j.TimeMeter;
import io.iptracking.common.event.Decision;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListEntry;
import io.iptracking.ingest.auth.Pseudonymizer;
import io.iptracking.ingest.auth.BearerTokens;
import io.iptracking.ingest.lists.ClientLists;
import io.iptracking.ingest.ratelimit.Enforcement;
import io.iptracking.ingest.ratelimit.RateLimitOutcome;
import io.iptracking.ingest.ratelimit.RateLimitRule;
import io.iptracking.ingest.ratelimit.RateLimitRules;
import io.iptracking.ingest.ratelimit.RateLimiter;
import java.time.Clock;
import java.time.Instant;
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
        Optional<ListEntry> entry = listEntry(request);
        if (entry.isPresent()) {
            ListEntry e = entry.get();
            return CompletableFuture.completedFuture(e.action() == ListAction.ALLOW
                    ? EdgeDecision.of(Decision.ALLOWLISTED, "allowlist:" + e.cidr())
                    : EdgeDecision.of(Decision.BLOCKED, "blocklist:" + e.cidr()));
        }
        Optional<RateLimitRule> matched = rules.match(request.method(), request.target().rulePath());
        if (matched.isEmpty()) {
            return CompletableFuture.completedFuture(EdgeDecision.of(Decision.ALLOWED, null));
        }
        RateLimitRule rule = matched.get();
        String subject = tokens == null || request.authorization() == null ? null
                : Optional.ofNullable(tokens.verify(request.authorization()).subject()).map(subjects::pseudonymize).orElse(null);
        String key = rule.bucketKey(request.ip(), subject);
        if (subject == null) {
            return limiter.tryConsume(key, rule.limit(false)).thenApply(outcome -> decision(rule, key, outcome, null));
        }
        // An authenticated request takes a token from its IP's shared bucket first, so that many accounts
        // on one IP get one allowance; then from its subject's.
        String ipKey = rule.authenticatedIpBucketKey(request.ip());
        return limiter.tryConsume(ipKey, rule.ipLimitOfAuthenticated()).thenCompose(ipOutcome -> ipOutcome.allowed()
                ? limiter.tryConsume(key, rule.limit(true)).thenApply(outcome -> decision(rule, key, outcome, subject))
                : CompletableFuture.completedFuture(decision(rule, ipKey, ipOutcome, subject)));
    }

    /**
     * The list entry that decides for the client: its IP first, then, when an IPv4 address was folded
     * out of it, the address it came as, so a block on {@code 64:ff9b::/96} still applies. An allow on
     * either wins over a block on either.
     */
    private Optional<ListEntry> listEntry(EdgeRequest request) {
        Instant now = clock.instant();
        Optional<ListEntry> entry = lists.decidingEntry(request.ip(), now);
        if (request.address().equals(request.ip()) || entry.map(e -> e.action() == ListAction.ALLOW).orElse(false)) {
            return entry;
        }
        Optional<ListEntry> asSent = lists.decidingEntry(request.address(), now);
        if (asSent.isPresent() && (entry.isEmpty() || asSent.get().action() == ListAction.ALLOW)) {
            return asSent;
        }
        return entry;
    }

    private EdgeDecision decision(RateLimitRule rule, String key, RateLimitOutcome outcome, String subject) {
        if (outcome.allowed()) {
            return EdgeDecision.counted(Decision.ALLOWED, rule, outcome, subject, false);
        }
        if (rule.enforcement() == Enforcement.SHADOW) {
            shadowRefusals.refused(rule, key, outcome);
            return EdgeDecision.counted(Decision.ALLOWED, rule, outcome, subject, true);
        }
        return EdgeDecision.counted(Decision.RATE_LIMITED, rule, outcome, subject, false);
    }
}
