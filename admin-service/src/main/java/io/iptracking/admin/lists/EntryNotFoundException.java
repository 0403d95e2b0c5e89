package io.iptracking.admin.lists;

/** No entry with that id (or CIDR) on that list. */
public final class EntryNotFoundException extends RuntimeException {

    public EntryNotFoundException(String what) {
        super(what);
    }
}
