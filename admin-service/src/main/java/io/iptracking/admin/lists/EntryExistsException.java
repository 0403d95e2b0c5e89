package io.iptracking.admin.lists;

import io.iptracking.common.event.ListAction;

/** A live entry already covers exactly this CIDR: the topic holds one entry per CIDR. */
public final class EntryExistsException extends RuntimeException {

    private final StoredEntry existing;

    public EntryExistsException(StoredEntry existing) {
        super(existing.entry().cidr() + " already has " + (existing.entry().action() == ListAction.BLOCK
                ? "a block" : "an allow") + " entry (id " + existing.id() + "); delete it first to replace it");
        this.existing = existing;
    }

    public StoredEntry existing() {
        return existing;
    }
}
