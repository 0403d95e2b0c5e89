package io.iptracking.admin.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Query parameters parsed once, at the boundary, with errors that name the parameter. */
public final class Params {

    private Params() {
    }

    public static void page(int page, int size, int maxSize) {
        if (page < 0) {
            throw new InvalidFieldException("page", "must be 0 or more");
        }
        if (size < 1 || size > maxSize) {
            throw new InvalidFieldException("size", "must be between 1 and " + maxSize);
        }
    }

    /** An enum constant by name, any case; null for null. */
    public static <E extends Enum<E>> E enumValue(String name, String text, Class<E> type) {
        if (text == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(name, "'" + text + "' is not one of " + Arrays.stream(type.getEnumConstants())
                    .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
        }
    }

    /** An ISO-8601 instant; null for null. */
    public static Instant instant(String name, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidFieldException(name, "'" + text + "' is not an ISO-8601 instant such as 2030-01-31T12:00:00Z");
        }
    }
}
