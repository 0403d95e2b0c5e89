package io.iptracking.ingest.edge;

import io.iptracking.ingest.ratelimit.RateLimitOutcome;
import io.iptracking.ingest.ratelimit.RateLimitRule;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what rules in {@code shadow} mode would have refused, so that a rule can be tried on real
 * traffic before it is enforced: at most one line per rule per {@link #INTERVAL}, naming the last
 * client refused and how many refusals the line stands for. A client hammering a shadow rule therefore
 * costs the log one line a second, however fast it sends. Every refusal is also counted, without this
 * bound, in {@code ipt_edge_shadow_refusals_total}.
 */
final class ShadowRefusals {

    private static final Logger log = LoggerFactory.getLogger(ShadowRefusals.class);
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final TimeMeter time;
    private final Map<String, Window> byRule = new ConcurrentHashMap<>();

    /** @param time a monotonic clock ({@link TimeMeter#SYSTEM_NANOTIME}) */
    ShadowRefusals(TimeMeter time) {
        this.time = time;
    }

    /** A shadow rule would have refused the client with this bucket key. */
    void refused(RateLimitRule rule, String bucketKey, RateLimitOutcome outcome) {
        Window window = byRule.computeIfAbsent(rule.name(), name -> new Window(time.currentTimeNanos() - INTERVAL.toNanos()));
        window.refusals.incrementAndGet();
        long now = time.currentTimeNanos();
        long due = window.nextLineAt.get();
        if (now - due >= 0 && window.nextLineAt.compareAndSet(due, now + INTERVAL.toNanos())) {
            long refusals = window.refusals.getAndSet(0);
            log.info("Shadow rule '{}' would have refused {} request(s) since its last line, the last from {}: "
                    + "limit {} per {}, next token in {} ms; the requests were let through",
                    rule.name(), refusals, bucketKey, outcome.limit(), rule.period(), outcome.retryAfter().toMillis());
        }
    }

    private static final class Window {
        final AtomicLong nextLineAt;
        final AtomicLong refusals = new AtomicLong();

        Window(long nextLineAt) {
            this.nextLineAt = new AtomicLong(nextLineAt);
        }
    }
}
