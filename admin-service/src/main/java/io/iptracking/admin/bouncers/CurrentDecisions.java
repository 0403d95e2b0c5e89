package io.iptracking.admin.bouncers;

import io.iptracking.admin.lists.ListEntries;
import io.iptracking.admin.lists.StoredEntry;
import io.iptracking.common.ip.Cidr;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The decisions the lists make now ({@link Decisions#of}), computed once and served to every bouncer
 * until the lists change (their {@link ListEntries.Version}) or the next entry ends: a pull costs one
 * small query, not a read of every entry and the allowlist subtraction, however often bouncers ask.
 */
public final class CurrentDecisions {

    private record Snapshot(ListEntries.Version version, Instant computedAt, Instant validUntil, Map<Cidr, Decision> decisions) {
    }

    private final ListEntries entries;
    private volatile Snapshot snapshot;

    public CurrentDecisions(ListEntries entries) {
        this.entries = entries;
    }

    public Map<Cidr, Decision> at(Instant now) {
        ListEntries.Version version = entries.version();
        Snapshot s = snapshot;
        if (s != null && s.version().equals(version) && !now.isBefore(s.computedAt()) && now.isBefore(s.validUntil())) {
            return s.decisions();
        }
        List<StoredEntry> live = entries.live();
        Map<Cidr, Decision> decisions = Decisions.of(live, now);
        Instant validUntil = live.stream().map(e -> e.entry().expiresAt()).filter(Objects::nonNull).filter(now::isBefore)
                .min(Instant::compareTo).orElse(Instant.MAX);
        snapshot = new Snapshot(version, now, validUntil, decisions);
        return decisions;
    }
}
