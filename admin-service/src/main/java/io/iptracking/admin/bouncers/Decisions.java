package io.iptracking.admin.bouncers;

import io.iptracking.admin.lists.StoredEntry;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.ip.Cidr;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The bans a bouncer should hold at an instant: every active block, less what the allowlist allows.
 * A bouncer knows no exceptions, so a block range that contains an allowed range is sent as the parts
 * of it that are not allowed (at most 128 per allowed range inside it), and a block inside an allowed
 * range not at all: an allowed address is never banned, as at the edge.
 */
public final class Decisions {

    /** How long a permanent block lasts for a bouncer, which needs an end: ten years from its creation. */
    static final Duration PERMANENT = Duration.ofDays(3650);

    private Decisions() {
    }

    /** By value; a value two blocks name (a range and a part of a wider one) is the most specific entry's. */
    public static Map<Cidr, Decision> of(List<StoredEntry> live, Instant now) {
        List<StoredEntry> active = live.stream().filter(e -> e.isActiveAt(now)).toList();
        List<Cidr> allowed = active.stream().filter(e -> e.entry().action() == ListAction.ALLOW).map(e -> e.entry().cidr()).toList();
        Map<Cidr, Decision> decisions = new LinkedHashMap<>();
        active.stream().filter(e -> e.entry().action() == ListAction.BLOCK)
                .sorted(Comparator.comparingInt((StoredEntry e) -> -e.entry().cidr().prefixLength()).thenComparingLong(StoredEntry::id))
                .forEach(e -> {
                    Cidr range = e.entry().cidr();
                    Instant until = e.entry().expiresAt() != null ? e.entry().expiresAt() : e.entry().createdAt().plus(PERMANENT);
                    for (Cidr part : range.minus(allowed)) {
                        long id = part.equals(range) ? e.id() : partId(e.id(), part);
                        decisions.putIfAbsent(part, new Decision(id, e.entry().reason(), part, until));
                    }
                });
        return decisions;
    }

    /** Positive, stable, and far above the entries' own ids in practice. */
    private static long partId(long entryId, Cidr part) {
        return UUID.nameUUIDFromBytes(("ip-tracking:" + entryId + ":" + part).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .getMostSignificantBits() & Long.MAX_VALUE;
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
                    && (scenariosContaining.isEmpty() || scenariosContaining.stream().anyMatch(w -> d.scenario().contains(w)))
                    && scenariosNotContaining.stream().noneMatch(w -> d.scenario().contains(w));
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
