package io.iptracking.admin.lists;

import io.iptracking.common.event.ListEntry;
import io.iptracking.common.ip.Cidr;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to publish so that the blocklist topic holds exactly the table's live entries: the table is
 * the truth, the topic its copy. A pure function of the two, so it is tested without I/O.
 */
public final class Reconciliation {

    /** Why a record is republished. */
    public enum Kind {
        /** The table has an entry the topic lacks (or holds unreadable). */
        MISSING,
        /** Both have the CIDR, with different entries. */
        DIFFERENT,
        /** The topic has an entry the table does not: tombstone it. */
        EXTRA
    }

    /** One record to publish; a null entry is a tombstone. */
    public record Repair(Kind kind, Cidr cidr, ListEntry entry) {

        Outbox.Change toChange() {
            return new Outbox.Change(0, cidr, entry, null);
        }
    }

    private Reconciliation() {
    }

    /**
     * @param table the live entries of the table, by CIDR
     * @param topic what the topic holds
     * @param pending CIDRs with changes committed but not yet published: the relay publishes them
     *     right after, and they are newer than both snapshots, so they are left alone
     * @return the repairs, in CIDR order (deterministic)
     */
    public static List<Repair> plan(Map<Cidr, ListEntry> table, BlocklistTopic.Snapshot topic, Set<Cidr> pending) {
        List<Repair> repairs = new ArrayList<>();
        table.forEach((cidr, entry) -> {
            ListEntry published = topic.entries().get(cidr);
            if (published == null) {
                repairs.add(new Repair(Kind.MISSING, cidr, entry));
            } else if (!published.equals(entry)) {
                repairs.add(new Repair(Kind.DIFFERENT, cidr, entry));
            }
        });
        topic.entries().keySet().stream().filter(cidr -> !table.containsKey(cidr))
                .forEach(cidr -> repairs.add(new Repair(Kind.EXTRA, cidr, null)));
        // An unreadable record that the table does not back may still hold a block at some edge.
        topic.unreadable().stream().filter(cidr -> !table.containsKey(cidr) && !topic.entries().containsKey(cidr))
                .forEach(cidr -> repairs.add(new Repair(Kind.EXTRA, cidr, null)));
        repairs.removeIf(r -> pending.contains(r.cidr()));
        repairs.sort(Comparator.comparing((Repair r) -> r.cidr().network()).thenComparingInt(r -> r.cidr().prefixLength()));
        return repairs;
    }
}
