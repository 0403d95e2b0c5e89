package io.iptracking.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where an IP is and who routes it, as far as the GeoIP databases know. Every field but
 * {@link #privateAddress()} may be null: unknown, or not in the databases loaded.
 *
 * @param countryCode ISO 3166-1 alpha-2, upper case ({@code DE})
 * @param countryName English country name
 * @param city English city name
 * @param latitude degrees, -90 to 90
 * @param longitude degrees, -180 to 180
 * @param asn autonomous system number
 * @param asOrganization the organisation that holds {@link #asn()}
 * @param privateAddress true for private, loopback, link-local and other non-routable addresses,
 *     which no database places
 */
public record Geo(
        String countryCode,
        String countryName,
        String city,
        Double latitude,
        Double longitude,
        Long asn,
        String asOrganization,
        // Required: a missing flag must not read as "public address".
        @JsonProperty(required = true) boolean privateAddress) {

    /** Nothing known about a public address. */
    public static final Geo UNKNOWN = new Geo(null, null, null, null, null, null, null, false);

    /** A non-routable address: nothing to look up. */
    public static final Geo PRIVATE = new Geo(null, null, null, null, null, null, null, true);

    public Geo {
        if (countryCode != null && !isAlpha2(countryCode)) {
            throw new IllegalArgumentException(
                    "Geo.countryCode must be two upper-case letters (ISO 3166-1 alpha-2), was '" + countryCode + "'");
        }
        checkRange(latitude, 90, "Geo.latitude");
        checkRange(longitude, 180, "Geo.longitude");
        if (asn != null && (asn < 0 || asn > 0xFFFF_FFFFL)) {
            throw new IllegalArgumentException("Geo.asn must be a 32-bit AS number (0-4294967295), was " + asn);
        }
    }

    /** Same as {@link #UNKNOWN}; reads better at call sites that fall back to it. */
    public static Geo unknown() {
        return UNKNOWN;
    }

    // Hand-written rather than a regex: enrichment builds one Geo per request.
    private static boolean isAlpha2(String code) {
        return code.length() == 2
                && code.charAt(0) >= 'A' && code.charAt(0) <= 'Z'
                && code.charAt(1) >= 'A' && code.charAt(1) <= 'Z';
    }

    private static void checkRange(Double degrees, int limit, String field) {
        // The negated comparison also rejects NaN, which JSON cannot carry.
        if (degrees != null && !(degrees >= -limit && degrees <= limit)) {
            throw new IllegalArgumentException(field + " must be between -" + limit + " and " + limit + ", was " + degrees);
        }
    }
}
