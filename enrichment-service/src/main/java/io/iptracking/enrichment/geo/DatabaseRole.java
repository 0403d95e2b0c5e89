package io.iptracking.enrichment.geo;

/** What a configured database file is for, and which database types can fill that role. */
public enum DatabaseRole {

    /** Country, city and coordinates: a GeoIP2/GeoLite2 City database, or a Country database. */
    CITY("city", "enrichment.geoip.city-database", "a GeoIP2 or GeoLite2 City or Country database"),

    /** The network owner: a GeoLite2/GeoIP2 ASN database. */
    ASN("asn", "enrichment.geoip.asn-database", "a GeoLite2 or GeoIP2 ASN database");

    private final String tag;
    private final String property;
    private final String expected;

    DatabaseRole(String tag, String property, String expected) {
        this.tag = tag;
        this.property = property;
        this.expected = expected;
    }

    /** Lower-case name, for metric tags and health details. */
    public String tag() {
        return tag;
    }

    /** The configuration property that names the file. */
    public String property() {
        return property;
    }

    /** The reader's lookup this role needs for a file's {@code database_type}, or null if it cannot serve it. */
    GeoDatabase.Kind kindOf(String databaseType) {
        return switch (this) {
            case CITY -> databaseType.contains("City") ? GeoDatabase.Kind.CITY
                    : databaseType.contains("Country") ? GeoDatabase.Kind.COUNTRY : null;
            case ASN -> databaseType.contains("ASN") ? GeoDatabase.Kind.ASN : null;
        };
    }

    String expected() {
        return expected;
    }
}
