package io.iptracking.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.iptracking.common.ip.Cidr;
import java.time.Instant;

/**
 * One blocklist or allowlist entry: the value of the public, compacted topic
 * {@link io.iptracking.common.kafka.Topics#BLOCKLIST}, keyed by {@link #cidr()}. A record with the
 * same key replaces the entry; a tombstone (null value) removes it. Its JSON Schema comes from
 * {@link io.iptracking.common.kafka.PublicSchemas}.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} when written by this code
 * @param cidr the range the entry applies to, canonical; also the record key
 * @param action block or allow
 * @param reason why the entry exists, for the operators who find it later
 * @param source who made it
 * @param createdBy the operator's name, or the service that made an automatic entry
 * @param createdAt when the entry was made (admin's clock)
 * @param expiresAt when it stops applying; null for a permanent entry
 */
public record ListEntry(
        // A primitive has no null to reject: required, so that a missing field is an error, not 0.
        @JsonProperty(required = true) int schemaVersion,
        Cidr cidr,
        ListAction action,
        String reason,
        ListSource source,
        String createdBy,
        Instant createdAt,
        Instant expiresAt) {

    /** The version this code writes. */
    public static final int SCHEMA_VERSION = 1;

    public ListEntry {
        Checks.schemaVersion(schemaVersion, "ListEntry");
        Checks.notNull(cidr, "ListEntry.cidr");
        Checks.notNull(action, "ListEntry.action");
        Checks.notBlank(reason, "ListEntry.reason");
        Checks.notNull(source, "ListEntry.source");
        Checks.notBlank(createdBy, "ListEntry.createdBy");
        Checks.notNull(createdAt, "ListEntry.createdAt");
        if (expiresAt != null && !expiresAt.isAfter(createdAt)) {
            throw new IllegalArgumentException(
                    "ListEntry.expiresAt " + expiresAt + " must be after ListEntry.createdAt " + createdAt);
        }
    }

    /** An entry of the current {@link #SCHEMA_VERSION}. */
    public ListEntry(Cidr cidr, ListAction action, String reason, ListSource source, String createdBy,
            Instant createdAt, Instant expiresAt) {
        this(SCHEMA_VERSION, cidr, action, reason, source, createdBy, createdAt, expiresAt);
    }

    /**
     * Whether the entry applies at {@code now}: until {@link #expiresAt()}, exclusive, or forever.
     * {@link #createdAt()} is deliberately not checked: it is the admin's clock, and an edge whose
     * clock runs a little behind must still enforce a block the moment it receives it.
     */
    public boolean isActiveAt(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }
}
