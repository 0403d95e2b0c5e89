package io.iptracking.common.event;

import io.iptracking.common.text.SafeText;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Argument checks shared by the event records, so every contract reports a broken field the same
 * way: {@code Type.field} and what is wrong with it. Deserialization surfaces these messages too.
 */
final class Checks {

    private Checks() {
    }

    static <T> T notNull(T value, String field) {
        if (value == null) {
            throw new NullPointerException(field + " must not be null");
        }
        return value;
    }

    static String notBlank(String value, String field) {
        notNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return value;
    }

    /**
     * Higher versions than ours are accepted: within one topic version, changes are additive and
     * readers ignore what they do not know.
     */
    static int schemaVersion(int version, String type) {
        if (version < 1) {
            throw new IllegalArgumentException(type + ".schemaVersion must be 1 or greater, was " + version);
        }
        return version;
    }

    /**
     * Text every reader can store and show as it is ({@link SafeText}), at most {@code max} UTF-16
     * units. Null passes; callers that require a value check that first.
     */
    static String text(String value, int max, String field) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            throw new IllegalArgumentException(field + " must be at most " + max + " characters, was " + value.length());
        }
        int at = SafeText.firstRefused(value, false);
        if (at >= 0 && Character.isSurrogate(value.charAt(at))) {
            throw new IllegalArgumentException(field + " holds an unpaired surrogate at " + at + ": not valid Unicode");
        }
        if (at >= 0) {
            throw new IllegalArgumentException(field + " must not contain control characters or line breaks (U+"
                    + String.format("%04X", (int) value.charAt(at)) + " at " + at + ")");
        }
        return value;
    }

    /** The earliest instant a contract carries: 0001-01-01, the start of four-digit ISO 8601 years. */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

    /** The latest instant a contract carries: the end of 9999, the last four-digit ISO 8601 year. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    /**
     * A required instant within the years 1 to 9999, which every store and language can represent
     * ({@code java.sql.Timestamp} overflows and PostgreSQL refuses years far beyond that).
     */
    static Instant instant(Instant value, String field) {
        notNull(value, field);
        if (value.isBefore(EARLIEST) || value.isAfter(LATEST)) {
            throw new IllegalArgumentException(field + " must be within the years 1 to 9999, was " + value);
        }
        return value;
    }

    static long notNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must not be negative, was " + value);
        }
        return value;
    }

    /** An unmodifiable copy that keeps the caller's iteration order and rejects null keys or values. */
    static <K, V> Map<K, V> immutableMap(Map<K, V> map, String field) {
        notNull(map, field);
        Map<K, V> copy = new LinkedHashMap<>(map.size() * 2);
        for (Map.Entry<K, V> e : map.entrySet()) {
            notNull(e.getKey(), field + " key");
            notNull(e.getValue(), field + "[" + e.getKey() + "]");
            copy.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(copy);
    }

    static <T> List<T> immutableList(List<T> list, String field) {
        notNull(list, field);
        List<T> copy = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            copy.add(notNull(list.get(i), field + "[" + i + "]"));
        }
        return Collections.unmodifiableList(copy);
    }
}
