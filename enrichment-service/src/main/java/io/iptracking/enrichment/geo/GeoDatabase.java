package io.iptracking.enrichment.geo;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import com.maxmind.geoip2.model.AsnResponse;
import com.maxmind.geoip2.model.CityResponse;
import com.maxmind.geoip2.model.CountryResponse;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One opened database file: a memory-mapped, thread-safe reader with its own node cache. */
final class GeoDatabase implements AutoCloseable {

    enum Kind { CITY, COUNTRY, ASN }

    private final DatabaseReader reader;
    private final Kind kind;
    private final DatabaseInfo info;

    private GeoDatabase(DatabaseReader reader, Kind kind, DatabaseInfo info) {
        this.reader = reader;
        this.kind = kind;
        this.info = info;
    }

    /**
     * Opens {@code path} for {@code role}.
     *
     * @throws GeoDatabaseException naming the file and what is wrong with it
     */
    static GeoDatabase open(DatabaseRole role, Path path, int nodeCacheSize, Instant now) {
        if (!Files.isRegularFile(path)) {
            throw new GeoDatabaseException("GeoIP " + role.tag() + " database not found at " + path.toAbsolutePath());
        }
        DatabaseReader reader;
        try {
            // Memory-mapped: no heap for the file, and one mapping shared by every lookup thread. The node
            // cache belongs to this file: its keys are offsets into it, meaningless in another file.
            reader = new DatabaseReader.Builder(path.toFile())
                    .fileMode(Reader.FileMode.MEMORY_MAPPED)
                    .withCache(new CHMCache(nodeCacheSize))
                    .locales(List.of("en"))
                    .build();
        } catch (FileNotFoundException | NoSuchFileException e) {
            throw new GeoDatabaseException("GeoIP " + role.tag() + " database not found at " + path.toAbsolutePath(), e);
        } catch (IOException | RuntimeException e) {
            throw new GeoDatabaseException("GeoIP " + role.tag() + " database " + path.toAbsolutePath()
                    + " is not a valid MaxMind DB file: " + e.getMessage(), e);
        }
        String type = reader.metadata().databaseType();
        Kind kind = role.kindOf(type);
        if (kind == null) {
            closeQuietly(reader);
            throw new GeoDatabaseException("GeoIP " + role.tag() + " database " + path.toAbsolutePath() + " is a '" + type
                    + "' database; " + role.property() + " needs " + role.expected());
        }
        return new GeoDatabase(reader, kind, new DatabaseInfo(role, path, type, reader.metadata().buildTime(), now));
    }

    DatabaseInfo info() {
        return info;
    }

    /** Adds what this database knows about {@code address} to {@code geo}. */
    void lookup(InetAddress address, GeoFields geo) throws IOException, GeoIp2Exception {
        switch (kind) {
            case CITY -> {
                Optional<CityResponse> r = reader.tryCity(address);
                if (r.isPresent()) {
                    CityResponse city = r.get();
                    geo.country(city.country().isoCode(), city.country().name());
                    geo.city = city.city().name();
                    geo.latitude = city.location().latitude();
                    geo.longitude = city.location().longitude();
                }
            }
            case COUNTRY -> {
                Optional<CountryResponse> r = reader.tryCountry(address);
                if (r.isPresent()) {
                    geo.country(r.get().country().isoCode(), r.get().country().name());
                }
            }
            case ASN -> {
                Optional<AsnResponse> r = reader.tryAsn(address);
                if (r.isPresent()) {
                    geo.asn = r.get().autonomousSystemNumber();
                    geo.asOrganization = r.get().autonomousSystemOrganization();
                }
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(reader);
    }

    private static void closeQuietly(DatabaseReader reader) {
        try {
            reader.close();
        } catch (IOException e) {
            // Closing a memory-mapped reader only drops its reference; nothing can fail that matters.
        }
    }
}
