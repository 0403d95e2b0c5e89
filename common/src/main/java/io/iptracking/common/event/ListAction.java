package io.iptracking.common.event;

/** What a list entry does to the requests from its range. */
public enum ListAction {
    /** Refuse the request at the edge. */
    BLOCK,
    /** Exempt requests from the range; the edge records them as {@link Decision#ALLOWLISTED}. */
    ALLOW
}
