package io.iptracking.ingest.traffic;

import io.iptracking.common.event.Decision;
import io.iptracking.ingest.edge.EdgeDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The edge's own metrics: decisions by outcome and rule, and the latency the edge adds before a
 * request is refused or handed on. Rule tags name the rate-limit rule, the reason an invalid request
 * was refused, or just {@code blocklist} / {@code allowlist}, never a CIDR, to keep the number of
 * series bounded.
 */
public final class EdgeMetrics {

    private final MeterRegistry registry;
    private final Map<Decision, Map<String, Counter>> decisions = new EnumMap<>(Decision.class);
    private final Timer decisionLatency;
    private final Counter policyFailures;
    private final Counter eventsNotBuilt;

    public EdgeMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Decision d : Decision.values()) {
            decisions.put(d, new ConcurrentHashMap<>());
        }
        this.decisionLatency = Timer.builder("ipt.edge.decision.latency")
                .description("Time from request headers to the edge's decision (the latency the edge adds)")
                .publishPercentileHistogram()
                .register(registry);
        this.policyFailures = Counter.builder("ipt.edge.policy.failures")
                .description("Decisions that failed with an error and let the request through").register(registry);
        this.eventsNotBuilt = Counter.builder("ipt.edge.events.invalid")
                .description("Requests whose event could not be built (e.g. an invalid method)").register(registry);
    }

    void decided(EdgeDecision decision, long nanos) {
        decisionLatency.record(nanos, TimeUnit.NANOSECONDS);
        String rule = ruleTag(decision);
        decisions.get(decision.decision())
                .computeIfAbsent(rule, r -> Counter.builder("ipt.edge.decisions")
                        .description("Requests by decision and by the rule that decided")
                        .tag("decision", decision.decision().name())
                        .tag("rule", r)
                        .register(registry))
                .increment();
        if (decision.shadowRefusal()) {
            registry.counter("ipt.edge.shadow.refusals", "rule", rule).increment();
        }
    }

    /** Jetty answered a request itself: it could not parse it, or the edge failed. */
    void unparsed(int status) {
        registry.counter("ipt.edge.requests.unparsed", "status", Integer.toString(status)).increment();
    }

    void policyFailed() {
        policyFailures.increment();
    }

    void eventNotBuilt() {
        eventsNotBuilt.increment();
    }

    private static String ruleTag(EdgeDecision decision) {
        String rule = decision.rule();
        if (rule == null) {
            return "none";
        }
        int colon = rule.indexOf(':');
        return colon > 0 && (rule.startsWith("blocklist:") || rule.startsWith("allowlist:")) ? rule.substring(0, colon) : rule;
    }
}
