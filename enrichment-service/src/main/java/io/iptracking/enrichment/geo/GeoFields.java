package io.iptracking.enrichment.geo;

import io.iptracking.common.event.Geo;

/** The fields of a {@link Geo} while the databases fill them in. */
final class GeoFields {

    String countryCode;
    String countryName;
    String city;
    Double latitude;
    Double longitude;
    Long asn;
    String asOrganization;

    void country(String isoCode, String name) {
        countryCode = isoCode;
        countryName = name;
    }

    Geo toGeo() {
        if (countryCode == null && countryName == null && city == null && latitude == null && longitude == null
                && asn == null && asOrganization == null) {
            return Geo.UNKNOWN;
        }
        return new Geo(countryCode, countryName, city, latitude, longitude, asn, asOrganization, false);
    }
}
