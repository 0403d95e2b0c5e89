package io.iptracking.ingest.lists;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.ListFeed;
import java.time.Instant;
import java.util.Optional;

/**
 * The block and allow lists held in memory by every edge instance, fed from the compacted
 * {@code ip.blocklist.v1} topic. An allowlisted IP is never blocked: the allowlist is consulted
 * first, whatever the specificity of the entries. Expiry is honoured at check time, so an expired
 * block stops applying at once even before its tombstone arrives.
 */
public final class ClientLists implements ListFeed.Sink, MeterBinder {

    private final PrefixMatcher<ListEntry> blocks = new PrefixMatcher<>();
    private final PrefixMatcher<ListEntry> allows = new PrefixMatcher<>();

    /**
     * Applies one record of the list topic: an entry replaces whatever the same CIDR had (on either
     * list), a tombstone (null) removes it.
     */
    @Override
    public void apply(Cidr cidr, ListEntry entryOrTombstone) {
        if (entryOrTombstone == null) {
            blocks.remove(cidr);
            allows.remove(cidr);
        } else if (entryOrTombstone.action() == ListAction.BLOCK) {
            allows.remove(cidr);
            blocks.put(cidr, entryOrTombstone, entryOrTombstone.expiresAt());
        } else {
            blocks.remove(cidr);
            allows.put(cidr, entryOrTombstone, entryOrTombstone.expiresAt());
        }
    }

    /** The entry that decides for this IP now, allowlist first; empty when no active entry covers it. */
    public Optional<ListEntry> decidingEntry(ClientIp ip, Instant now) {
        Optional<PrefixMatcher.Match<ListEntry>> allowed = allows.lookup(ip, now);
        if (allowed.isPresent()) {
            return Optional.of(allowed.get().value());
        }
        return blocks.lookup(ip, now).map(PrefixMatcher.Match::value);
    }

    /** Drops entries that expired before {@code now}; lookups already ignore them. */
    public int removeExpired(Instant now) {
        return blocks.removeExpired(now) + allows.removeExpired(now);
    }

    @Override
    public void expire(Instant now) {
        removeExpired(now);
    }

    /** {@code ipt_edge_lists_entries{list}}: the entries held in memory. */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("ipt.edge.lists.entries", this, ClientLists::blockCount).tag("list", "block")
                .description("Entries held in memory").register(registry);
        Gauge.builder("ipt.edge.lists.entries", this, ClientLists::allowCount).tag("list", "allow").register(registry);
    }

    public int blockCount() {
        return blocks.size();
    }

    public int allowCount() {
        return allows.size();
    }
}
