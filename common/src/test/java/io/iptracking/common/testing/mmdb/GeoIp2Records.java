package io.iptracking.common.testing.mmdb;

import static io.iptracking.common.testing.mmdb.MmdbWriter.uint16;
import static io.iptracking.common.testing.mmdb.MmdbWriter.uint32;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records shaped like MaxMind's GeoIP2/GeoLite2 databases, with the value types their readers expect
 * (geoname ids uint32, coordinates double, accuracy radius uint16, AS numbers uint32), for
 * {@link MmdbWriter#insert}. Only the fields ip-tracking reads, plus what makes a record look real.
 */
public final class GeoIp2Records {

    /** A {@code database_type} GeoIP2's {@code city()} lookup accepts. */
    public static final String CITY_DATABASE = "GeoIP2-City";

    /** A {@code database_type} GeoIP2's {@code country()} lookup accepts. */
    public static final String COUNTRY_DATABASE = "GeoIP2-Country";

    /** The {@code database_type} GeoIP2's {@code asn()} lookup requires. */
    public static final String ASN_DATABASE = "GeoLite2-ASN";

    private GeoIp2Records() {
    }

    /** A City database record: country, city and coordinates. */
    public static Map<String, Object> city(String countryCode, String countryName, String cityName,
            double latitude, double longitude) {
        Map<String, Object> record = new LinkedHashMap<>(country(countryCode, countryName));
        record.put("city", Map.of("geoname_id", uint32(geonameId(cityName)), "names", Map.of("en", cityName)));
        record.put("location", Map.of(
                "accuracy_radius", uint16(20),
                "latitude", latitude,
                "longitude", longitude));
        return record;
    }

    /** A Country database record (also the country part of a City record). */
    public static Map<String, Object> country(String countryCode, String countryName) {
        Map<String, Object> country = Map.of(
                "geoname_id", uint32(geonameId(countryCode)),
                "iso_code", countryCode,
                "names", Map.of("en", countryName));
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("country", country);
        record.put("registered_country", country);
        return record;
    }

    /** An ASN database record. */
    public static Map<String, Object> asn(long number, String organization) {
        return Map.of(
                "autonomous_system_number", uint32(number),
                "autonomous_system_organization", organization);
    }

    // Stable, made-up ids: nothing in ip-tracking reads them, but real records carry them.
    private static long geonameId(String name) {
        return Integer.toUnsignedLong(name.hashCode()) % 10_000_000L;
    }
}
