package io.iptracking.admin.bouncers;

import io.iptracking.admin.lists.StoredEntry;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.ip.Cidr;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bans a bouncer should hold at an instant: every active block, less what the allowlist allows.
 * A bouncer knows no exceptions, so a block range that contains an allowed range is sent as the parts
 * of it that are not allowed (at most one per bit of prefix between the two ranges for each allowed
 * range inside it: 32 for IPv4, 128 for IPv6), and a block inside an allowed
 * range not at all: an allowed address is never banned, as at the edge.
 */
public final class Decisions {

    private static final Logger log = LoggerFactory.getLogger(Decisions.class);

    /** How long a permanent block lasts for a bouncer, which needs an end: ten years from its creation. */
    static final Duration PERMANENT = Duration.ofDays(3650);

    private Decisions() {
    }

    /**
     * By value, in no particular order. A value that two blocks name (a range, and the same range
     * left of a wider block) is the decision that lasts longest, as CrowdSec keeps it. A block whose
     * range cannot be cut around the allowlist is left out and logged, rather than stop every pull.
     */
    public static Map<Cidr, Decision> of(List<StoredEntry> live, Instant now) {
        List<StoredEntry> active = live.stream().filter(e -> e.isActiveAt(now)).toList();
        List<Cidr> allowed = active.stream().filter(e -> e.entry().action() == ListAction.ALLOW).map(e -> e.entry().cidr()).toList();
        Map<Cidr, Decision> decisions = new LinkedHashMap<>();
        for (StoredEntry e : active) {
            if (e.entry().action() != ListAction.BLOCK) {
                continue;
            }
            Cidr range = e.entry().cidr();
            Instant until = e.entry().expiresAt() != null ? e.entry().expiresAt() : e.entry().createdAt().plus(PERMANENT);
            List<Cidr> parts;
            try {
                parts = range.minus(allowed);
            } catch (RuntimeException ex) {
                log.error("Block entry {} ({}) is not sent to bouncers: it could not be cut around the allowlist: {}", e.id(), range,
                        ex.toString());
                continue;
            }
            for (Cidr part : parts) {
                Decision d = new Decision(part.equals(range) ? e.id() : Decision.derivedId(e.id(), part), e.entry().reason(), part, until);
                decisions.merge(part, d, (a, b) -> b.until().isAfter(a.until()) ? b : a);
            }
        }
        return decisions;
    }

    /**
     * Which of {@code current} a bouncer should keep when asked with CrowdSec's filters: scopes
     * ({@code ip}, {@code range}; others, such as {@code country}, match nothing here), origins, and
     * scenarios containing or not containing words. Empty lists filter nothing.
     */
    public record Filter(List<String> scopes, List<String> origins, List<String> scenariosContaining,
            List<String> scenariosNotContaining) {

        /** CrowdSec's default for a stream: {@code ip,range}. */
        public static final List<String> DEFAULT_SCOPES = List.of("ip", "range");

        public boolean keeps(Decision d) {
            return scopes.stream().anyMatch(s -> s.equalsIgnoreCase(d.scope()))
                    && (origins.isEmpty() || origins.stream().anyMatch(o -> o.equalsIgnoreCase(Decision.ORIGIN)))
                    && (scenariosContaining.isEmpty() || scenariosContaining.stream().anyMatch(w -> containsFold(d.scenario(), w)))
                    && scenariosNotContaining.stream().noneMatch(w -> containsFold(d.scenario(), w));
        }

        /** Case-insensitive, as CrowdSec's {@code ContainsFold}. */
        private static boolean containsFold(String text, String word) {
            return text.toLowerCase(Locale.ROOT).contains(word.toLowerCase(Locale.ROOT));
        }

        public Map<Cidr, Decision> apply(Map<Cidr, Decision> decisions) {
            Map<Cidr, Decision> kept = new LinkedHashMap<>();
            decisions.forEach((value, d) -> {
                if (keeps(d)) {
                    kept.put(value, d);
                }
            });
            return kept;
        }
    }

    /** What a bouncer is sent: new (or changed) decisions, and deleted ones. */
    public record Delta(List<Decision> added, List<Decision> deleted) {

        /** The difference between what a bouncer holds and what it should hold; a changed end is a new decision. */
        public static Delta between(Map<Cidr, Decision> held, Map<Cidr, Decision> current) {
            List<Decision> added = new ArrayList<>();
            List<Decision> deleted = new ArrayList<>();
            current.forEach((value, d) -> {
                Decision h = held.get(value);
                if (h == null || !h.until().equals(d.until()) || h.id() != d.id()) {
                    added.add(d);
                }
            });
            held.forEach((value, h) -> {
                if (!current.containsKey(value)) {
                    deleted.add(h);
                }
            });
            return new Delta(added, deleted);
        }

        public boolean isEmpty() {
            return added.isEmpty() && deleted.isEmpty();
        }
    }
}
