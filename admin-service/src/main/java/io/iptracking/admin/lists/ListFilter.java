package io.iptracking.admin.lists;

import io.iptracking.common.event.ListSource;
import io.iptracking.common.ip.ClientIp;
import java.util.Objects;

/**
 * Which entries of a list to show.
 *
 * @param source only entries made this way; null for all
 * @param containing only entries whose range contains this IP; null for all
 */
public record ListFilter(Status status, ListSource source, ClientIp containing) {

    /** Whether an entry applies now. */
    public enum Status {
        /** Applies now. */
        ACTIVE,
        /** Its expiry has passed. */
        EXPIRED,
        ALL
    }

    public ListFilter {
        Objects.requireNonNull(status, "status");
    }
}
