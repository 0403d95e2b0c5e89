package io.iptracking.common.event;

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
