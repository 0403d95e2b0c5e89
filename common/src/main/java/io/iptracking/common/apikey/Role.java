package io.iptracking.common.apikey;

/** What an API caller may do. */
public enum Role {
    /** Read lists, flags, reports and audit entries. */
    VIEWER,
    /** Everything a viewer may, and change lists and erase data. */
    OPERATOR
}
