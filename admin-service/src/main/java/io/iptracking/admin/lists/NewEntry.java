package io.iptracking.admin.lists;

import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.ip.Cidr;
import java.time.Instant;
import java.util.Objects;

/**
 * A validated request for a block or allow entry, from the API, the command line or the auto-block
 * policy; {@link EntryRequests} makes them.
 *
 * @param expiresAt null for a permanent entry
 */
public record NewEntry(Cidr cidr, ListAction action, String reason, ListSource source, String actor, Instant expiresAt) {

    public NewEntry {
        Objects.requireNonNull(cidr, "cidr");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(actor, "actor");
    }
}
