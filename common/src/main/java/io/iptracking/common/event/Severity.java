package io.iptracking.common.event;

/** How urgently a flag deserves attention, lowest first; {@link Enum#compareTo} orders by it. */
public enum Severity {
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL
}
