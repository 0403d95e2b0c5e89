package io.iptracking.enrichment;

import io.iptracking.common.event.Geo;
import io.iptracking.common.testing.mmdb.GeoIp2Records;
import io.iptracking.common.testing.mmdb.MmdbWriter;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Test databases with known networks, written by the tests themselves, and the answers expected from
 * them. {@link #writeCity} writes the first edition; {@link #writeUpdatedCity} the next week's, in which
 * {@link #LONDON_IP}'s network has moved to Manchester: how a test sees a swap take effect.
 */
public final class GeoFixtures {

    public static final String LONDON_IP = "81.2.69.142";
    public static final String LINKOPING_IP = "89.160.20.112";
    public static final String AMSTERDAM_IP = "2001:67c:2e8:22::c100:68b";
    /** {@link #LINKOPING_IP} as an IPv4-mapped IPv6 address. */
    public static final String LINKOPING_MAPPED_IP = "::ffff:89.160.20.112";
    /** A public address in no fixture network. */
    public static final String UNKNOWN_IP = "8.8.8.8";

    public static final Instant FIRST_BUILD = Instant.parse("2026-01-06T00:00:00Z");
    public static final Instant SECOND_BUILD = Instant.parse("2026-01-13T00:00:00Z");

    public static final Geo LONDON = new Geo("GB", "United Kingdom", "London", 51.5142, -0.0931, 20712L,
            "Andrews & Arnold Ltd", false);
    public static final Geo MANCHESTER = new Geo("GB", "United Kingdom", "Manchester", 53.4809, -2.2374, 20712L,
            "Andrews & Arnold Ltd", false);
    public static final Geo LINKOPING = new Geo("SE", "Sweden", "Linköping", 58.4167, 15.6167, 29518L,
            "Bredband2 AB", false);
    public static final Geo AMSTERDAM = new Geo("NL", "Netherlands", "Amsterdam", 52.3759, 4.8975, 3333L,
            "Reseaux IP Europeens Network Coordination Centre (RIPE NCC)", false);

    private GeoFixtures() {
    }

    /** The first City database, GeoIP2-City-shaped. */
    public static Path writeCity(Path file) {
        return city(FIRST_BUILD, LONDON).write(file);
    }

    /** The next edition: {@link #LONDON_IP} is in Manchester now. */
    public static Path writeUpdatedCity(Path file) {
        return city(SECOND_BUILD, MANCHESTER).write(file);
    }

    /** The ASN database, GeoLite2-ASN-shaped. */
    public static Path writeAsn(Path file) {
        return MmdbWriter.create(GeoIp2Records.ASN_DATABASE)
                .buildTime(FIRST_BUILD)
                .insert("81.2.69.0/24", GeoIp2Records.asn(LONDON.asn(), LONDON.asOrganization()))
                .insert("89.160.20.0/24", GeoIp2Records.asn(LINKOPING.asn(), LINKOPING.asOrganization()))
                .insert("2001:67c:2e8::/48", GeoIp2Records.asn(AMSTERDAM.asn(), AMSTERDAM.asOrganization()))
                .write(file);
    }

    /** A Country database: no city, coordinates or ASN. */
    public static Path writeCountry(Path file) {
        return MmdbWriter.create(GeoIp2Records.COUNTRY_DATABASE)
                .buildTime(FIRST_BUILD)
                .insert("89.160.20.0/24", GeoIp2Records.country("SE", "Sweden"))
                .write(file);
    }

    private static MmdbWriter city(Instant built, Geo london) {
        return MmdbWriter.create(GeoIp2Records.CITY_DATABASE)
                .buildTime(built)
                .insert("81.2.69.0/24", record(london))
                .insert("89.160.20.0/24", record(LINKOPING))
                .insert("2001:67c:2e8::/48", record(AMSTERDAM));
    }

    private static java.util.Map<String, Object> record(Geo g) {
        return GeoIp2Records.city(g.countryCode(), g.countryName(), g.city(), g.latitude(), g.longitude());
    }

    /** What a City database alone (no ASN database) answers. */
    public static Geo withoutAsn(Geo g) {
        return new Geo(g.countryCode(), g.countryName(), g.city(), g.latitude(), g.longitude(), null, null, false);
    }
}
