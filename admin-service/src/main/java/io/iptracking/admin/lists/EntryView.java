package io.iptracking.admin.lists;

import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListSource;
import java.time.Instant;

/**
 * A list entry as the API shows it.
 *
 * @param status ACTIVE while it applies, EXPIRED once its expiry has passed
 */
public record EntryView(long id, String cidr, ListAction action, String reason, ListSource source, String createdBy,
        Instant createdAt, Instant expiresAt, String status) {

    public static EntryView of(StoredEntry e, Instant now) {
        return new EntryView(e.id(), e.entry().cidr().toString(), e.entry().action(), e.entry().reason(),
                e.entry().source(), e.entry().createdBy(), e.entry().createdAt(), e.entry().expiresAt(),
                e.isActiveAt(now) ? "ACTIVE" : "EXPIRED");
    }
}
