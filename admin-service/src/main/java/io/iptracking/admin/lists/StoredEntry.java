package io.iptracking.admin.lists;

import io.iptracking.common.event.ListEntry;
import java.time.Instant;

/**
 * A list entry as the table holds it: its id, the entry as published, and whether its expiry has
 * been processed (tombstone queued).
 */
public record StoredEntry(long id, ListEntry entry, boolean expired) {

    /** Applies at {@code now}: not expired, by the sweep or by the clock. */
    public boolean isActiveAt(Instant now) {
        return !expired && entry.isActiveAt(now);
    }
}
