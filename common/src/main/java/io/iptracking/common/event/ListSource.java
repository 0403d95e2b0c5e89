package io.iptracking.common.event;

/** Who made a list entry. */
public enum ListSource {
    /** An operator, through the admin API or dashboard. */
    MANUAL,
    /** The admin service, acting on a flag from detection. */
    AUTO,
    /** An operator, through the command-line client. */
    CLI
}
