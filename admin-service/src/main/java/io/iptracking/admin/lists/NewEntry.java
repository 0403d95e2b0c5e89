package io.iptracking.admin.lists;

import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.ip.Cidr;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A validated request for a block or allow entry, from the API, the command line or the auto-block
 * policy; {@link EntryRequests} makes them.
 *
 * @param expiresAt when it ends; null for a permanent entry or one with a lifetime
 * @param lifetime how long it lasts from its creation; null for a permanent entry or one with an expiry
 */
public record NewEntry(Cidr cidr, ListAction action, String reason, ListSource source, String actor, Instant expiresAt,
        Duration lifetime) {

    public NewEntry {
        Objects.requireNonNull(cidr, "cidr");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(actor, "actor");
        if (expiresAt != null && lifetime != null) {
            throw new IllegalArgumentException("an entry has an expiry or a lifetime, not both");
        }
    }
}
