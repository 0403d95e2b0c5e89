package io.iptracking.admin.web;

import io.iptracking.common.text.SafeText;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Query parameters parsed once, at the boundary, with errors that name the parameter. */
public final class Params {

    /** The instants the API takes: what PostgreSQL's timestamptz and {@code java.sql.Timestamp} both hold. */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

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

    /**
     * An ISO-8601 instant within the years 0001 to 9999; null for null. {@link Instant#parse} takes
     * years up to ±1,000,000,000, which neither {@code java.sql.Timestamp} nor PostgreSQL can hold.
     */
    public static Instant instant(String name, String text) {
        if (text == null) {
            return null;
        }
        Instant instant;
        try {
            instant = Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidFieldException(name, "'" + text + "' is not an ISO-8601 instant such as 2030-01-31T12:00:00Z");
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new InvalidFieldException(name, "'" + text + "' is outside the years 0001 to 9999");
        }
        return instant;
    }

    /**
     * Free text a person wrote (a reason, a search term): at most {@code maxLength} characters, none
     * that {@link SafeText} refuses to person-typed text. Null for null.
     */
    public static String text(String name, String text, int maxLength) {
        if (text == null) {
            return null;
        }
        if (text.length() > maxLength) {
            throw new InvalidFieldException(name, "is longer than " + maxLength + " characters");
        }
        int at = SafeText.firstRefused(text, true);
        if (at >= 0) {
            throw new InvalidFieldException(name, String.format(Locale.ROOT,
                    "must not contain control characters or line breaks (found U+%04X)", text.codePointAt(at)));
        }
        return text;
    }

    /** The text with each character {@link #text} refuses replaced by U+FFFD, for text no person typed. */
    public static String printable(String text) {
        return SafeText.replaceRefused(text, true);
    }
}
