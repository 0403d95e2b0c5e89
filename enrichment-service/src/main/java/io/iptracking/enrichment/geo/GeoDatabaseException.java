package io.iptracking.enrichment.geo;

/** A GeoIP database file could not be used: missing, unreadable, corrupt, or of the wrong type. */
public final class GeoDatabaseException extends RuntimeException {

    GeoDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }

    GeoDatabaseException(String message) {
        super(message);
    }
}
