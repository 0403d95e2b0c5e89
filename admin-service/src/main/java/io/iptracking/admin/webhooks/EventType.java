package io.iptracking.admin.webhooks;

import java.util.Arrays;
import java.util.Optional;

/** What an endpoint can be told about, named as in the payload's {@code type} and the API. */
public enum EventType {
    /** Detection flagged a client (a record of {@code ip.flagged.v1}). */
    FLAG_RAISED("flag.raised"),
    /** A block entry was made: by an operator, the command line or the auto-block policy. */
    BLOCK_ADDED("block.added"),
    /** A block entry ended: removed ({@code "removal": "unblocked"}) or expired ({@code "expired"}). */
    BLOCK_REMOVED("block.removed");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> ofWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
