package io.iptracking.common.kafka;

import io.iptracking.common.event.ListEntry;
import io.iptracking.common.ip.Cidr;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ListFeed.Sink} that holds what the list topic says now: the entry of each CIDR whose latest
 * record is an entry, and the CIDRs whose latest record cannot be read (no entry is assumed for those).
 * Safe to read from another thread than the feed's.
 */
public final class ListTopicSnapshot implements ListFeed.Sink {

    private final Map<Cidr, ListEntry> entries = new ConcurrentHashMap<>();
    private final Set<Cidr> unreadable = ConcurrentHashMap.newKeySet();

    @Override
    public void apply(Cidr cidr, ListEntry entryOrTombstone) {
        unreadable.remove(cidr);
        if (entryOrTombstone == null) {
            entries.remove(cidr);
        } else {
            entries.put(cidr, entryOrTombstone);
        }
    }

    @Override
    public void unreadable(Cidr cidr) {
        entries.remove(cidr);
        unreadable.add(cidr);
    }

    /** The entries by CIDR, as a copy. */
    public Map<Cidr, ListEntry> entries() {
        return Map.copyOf(entries);
    }

    /** The CIDRs whose latest record cannot be read, as a copy. */
    public Set<Cidr> unreadable() {
        return Set.copyOf(unreadable);
    }
}
