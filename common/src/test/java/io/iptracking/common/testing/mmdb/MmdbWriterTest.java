package io.iptracking.common.testing.mmdb;

import static io.iptracking.common.testing.mmdb.MmdbWriter.uint16;
import static io.iptracking.common.testing.mmdb.MmdbWriter.uint32;
import static io.iptracking.common.testing.mmdb.MmdbWriter.uint64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maxmind.db.Reader;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.model.AsnResponse;
import com.maxmind.geoip2.model.CityResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's files, read back by MaxMind's own readers: the format is right when they agree. */
class MmdbWriterTest {

    static final Instant BUILT = Instant.parse("2026-03-03T12:00:00Z");

    static DatabaseReader open(MmdbWriter writer) throws IOException {
        return new DatabaseReader.Builder(new ByteArrayInputStream(writer.toBytes())).build();
    }

    static MmdbWriter cityDatabase() {
        return MmdbWriter.create(GeoIp2Records.CITY_DATABASE)
                .buildTime(BUILT)
                .insert("81.2.69.0/24", GeoIp2Records.city("GB", "United Kingdom", "London", 51.5142, -0.0931))
                .insert("81.2.69.160/27", GeoIp2Records.city("GB", "United Kingdom", "Manchester", 53.48, -2.24))
                .insert("89.160.20.0/24", GeoIp2Records.city("SE", "Sweden", "Linköping", 58.4167, 15.6167))
                .insert("2001:67c:2e8::/48", GeoIp2Records.city("NL", "Netherlands", "Amsterdam", 52.3759, 4.8975));
    }

    @Test
    void citiesOfIpv4AndIpv6Networks() throws Exception {
        try (DatabaseReader reader = open(cityDatabase())) {
            CityResponse london = reader.city(InetAddress.getByName("81.2.69.142"));
            assertThat(london.country().isoCode()).isEqualTo("GB");
            assertThat(london.country().name()).isEqualTo("United Kingdom");
            assertThat(london.city().name()).isEqualTo("London");
            assertThat(london.location().latitude()).isEqualTo(51.5142);
            assertThat(london.location().longitude()).isEqualTo(-0.0931);
            assertThat(london.location().accuracyRadius()).isEqualTo(20);
            // The leaf that holds .142 once Manchester (.160/27) split the /24.
            assertThat(london.traits().network()).hasToString("81.2.69.128/27");

            assertThat(reader.city(InetAddress.getByName("89.160.20.1")).city().name()).isEqualTo("Linköping");
            CityResponse amsterdam = reader.city(InetAddress.getByName("2001:67c:2e8:22::c100:68b"));
            assertThat(amsterdam.city().name()).isEqualTo("Amsterdam");
            assertThat(amsterdam.traits().network()).hasToString("2001:67c:2e8:0:0:0:0:0/48");
        }
    }

    @Test
    void aNarrowerNetworkInsertedLaterOverridesTheWiderOneOnlyForItsAddresses() throws Exception {
        try (DatabaseReader reader = open(cityDatabase())) {
            assertThat(reader.city(InetAddress.getByName("81.2.69.159")).city().name()).isEqualTo("London");
            assertThat(reader.city(InetAddress.getByName("81.2.69.160")).city().name()).isEqualTo("Manchester");
            assertThat(reader.city(InetAddress.getByName("81.2.69.191")).city().name()).isEqualTo("Manchester");
            assertThat(reader.city(InetAddress.getByName("81.2.69.192")).city().name()).isEqualTo("London");
        }
    }

    @Test
    void ipv4MappedAndIpv4CompatibleIpv6AddressesFindTheIpv4Record() throws Exception {
        try (DatabaseReader reader = open(cityDatabase())) {
            // Java turns a textual ::ffff:a.b.c.d into an Inet4Address; build the 16-byte forms by hand.
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            byte[] compatible = new byte[16];
            byte[] v4 = InetAddress.getByName("89.160.20.112").getAddress();
            System.arraycopy(v4, 0, mapped, 12, 4);
            System.arraycopy(v4, 0, compatible, 12, 4);
            assertThat(reader.city(Inet6Address.getByAddress(null, mapped, -1)).city().name()).isEqualTo("Linköping");
            assertThat(reader.city(Inet6Address.getByAddress(null, compatible, -1)).city().name()).isEqualTo("Linköping");
        }
    }

    @Test
    void addressesOutsideEveryNetworkAreNotFound() throws Exception {
        try (DatabaseReader reader = open(cityDatabase())) {
            assertThat(reader.tryCity(InetAddress.getByName("8.8.8.8"))).isEmpty();
            assertThat(reader.tryCity(InetAddress.getByName("81.2.70.1"))).isEmpty();
            assertThat(reader.tryCity(InetAddress.getByName("2001:67c:2e9::1"))).isEmpty();
        }
    }

    @Test
    void metadataCarriesTypeBuildTimeAndDescription() throws Exception {
        try (DatabaseReader reader = open(cityDatabase().description("fixture"))) {
            assertThat(reader.metadata().databaseType()).isEqualTo("GeoIP2-City");
            assertThat(reader.metadata().buildTime()).isEqualTo(BUILT);
            assertThat(reader.metadata().description()).containsEntry("en", "fixture");
            assertThat(reader.metadata().ipVersion()).isEqualTo(6);
            assertThat(reader.metadata().recordSize()).isEqualTo(32);
            assertThat(reader.metadata().languages()).containsExactly("en");
        }
    }

    @Test
    void asnNumbersAreUnsigned32Bit() throws Exception {
        MmdbWriter writer = MmdbWriter.create(GeoIp2Records.ASN_DATABASE)
                .insert("81.2.69.0/24", GeoIp2Records.asn(20712, "Andrews & Arnold Ltd"))
                .insert("2001:67c:2e8::/48", GeoIp2Records.asn(4_200_000_000L, "Private use, beyond 2^31"));
        try (DatabaseReader reader = open(writer)) {
            AsnResponse aaisp = reader.asn(InetAddress.getByName("81.2.69.142"));
            assertThat(aaisp.autonomousSystemNumber()).isEqualTo(20712L);
            assertThat(aaisp.autonomousSystemOrganization()).isEqualTo("Andrews & Arnold Ltd");
            assertThat(reader.asn(InetAddress.getByName("2001:67c:2e8::1")).autonomousSystemNumber()).isEqualTo(4_200_000_000L);
        }
    }

    /** Each data type, read back by the low-level reader as the Java type the spec gives it. */
    @Test
    void everyDataTypeAndSizeEncodingRoundTrips() throws Exception {
        String medium = "m".repeat(200);       // size 29-284: one extra size byte
        String large = "l".repeat(70_000);     // size 65 821 and up: three extra size bytes
        String mid = "x".repeat(1_000);        // size 285-65 820: two extra size bytes
        Map<String, Object> record = Map.ofEntries(
                Map.entry("utf8", "Zürich"),
                Map.entry("double", -33.8688),
                Map.entry("float", 1.5f),
                Map.entry("bytes", new byte[] {1, 2, 3}),
                Map.entry("uint16", uint16(65_535)),
                Map.entry("uint32", uint32(0xFFFF_FFFFL)),
                Map.entry("uint64", uint64(Long.MAX_VALUE)),
                Map.entry("zero", uint32(0)),
                Map.entry("int32", -5),
                Map.entry("bool", true),
                Map.entry("array", List.of("a", "b")),
                Map.entry("medium", medium),
                Map.entry("mid", mid),
                Map.entry("large", large));
        byte[] bytes = MmdbWriter.create("Test-Types").insert("2001:db8::/32", record).toBytes();
        try (Reader reader = new Reader(new ByteArrayInputStream(bytes))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> read = reader.get(InetAddress.getByName("2001:db8::1"), Map.class);
            assertThat(read).containsEntry("utf8", "Zürich")
                    .containsEntry("double", -33.8688)
                    .containsEntry("float", 1.5f)
                    .containsEntry("uint16", 65_535)
                    .containsEntry("uint32", 0xFFFF_FFFFL)
                    .containsEntry("uint64", BigInteger.valueOf(Long.MAX_VALUE))
                    .containsEntry("zero", 0L)
                    .containsEntry("int32", -5)
                    .containsEntry("bool", true)
                    .containsEntry("array", List.of("a", "b"))
                    .containsEntry("medium", medium)
                    .containsEntry("mid", mid)
                    .containsEntry("large", large);
            assertThat((byte[]) read.get("bytes")).containsExactly(1, 2, 3);
        }
    }

    @Test
    void writesAtomicallyOverAnExistingFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("City.mmdb");
        cityDatabase().write(file);
        MmdbWriter.create(GeoIp2Records.CITY_DATABASE)
                .insert("81.2.69.0/24", GeoIp2Records.city("GB", "United Kingdom", "Leeds", 53.8, -1.55))
                .write(file);
        try (DatabaseReader reader = new DatabaseReader.Builder(file.toFile()).build()) {
            assertThat(reader.city(InetAddress.getByName("81.2.69.1")).city().name()).isEqualTo("Leeds");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("City.mmdb");
        }
    }

    @Test
    void aCountryDatabaseAnswersCountryLookups() throws Exception {
        MmdbWriter writer = MmdbWriter.create(GeoIp2Records.COUNTRY_DATABASE)
                .insert("89.160.20.0/24", GeoIp2Records.country("SE", "Sweden"));
        try (DatabaseReader reader = open(writer)) {
            assertThat(reader.country(InetAddress.getByName("89.160.20.5")).country().isoCode()).isEqualTo("SE");
            assertThat(reader.tryCountry(InetAddress.getByName("81.2.69.1"))).isEqualTo(Optional.empty());
        }
    }

    @Test
    void aBareLongIsRefusedBecauseItsWidthIsAmbiguous() {
        assertThatThrownBy(() -> MmdbWriter.create("Test").insert("10.0.0.0/8", Map.of("n", 5L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a bare Long at record of 10.0.0.0/8.n is ambiguous: use MmdbWriter.uint16, uint32 or uint64"
                        + " (GeoIP2 reads each as a different type)");
    }

    @Test
    void anUnsupportedValueTypeIsRefused() {
        assertThatThrownBy(() -> MmdbWriter.create("Test").insert("10.0.0.0/8", Map.of("when", Instant.EPOCH)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no MaxMind DB type for java.time.Instant at record of 10.0.0.0/8.when");
    }

    @Test
    void anIpv6NetworkOverlappingTheMappedBlockIsRefused() {
        assertThatThrownBy(() -> MmdbWriter.create("Test").insert("::ffff:0:0/88", Map.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("::ffff:0:0/96 is an alias of the IPv4 subtree; ::ffff:0:0/88 overlaps it: insert IPv4 networks instead");
    }

    @Test
    void anIpv4MappedNetworkIsStoredAsIpv4() throws Exception {
        MmdbWriter writer = MmdbWriter.create(GeoIp2Records.COUNTRY_DATABASE)
                .insert("::ffff:89.160.20.0/120", GeoIp2Records.country("SE", "Sweden"));
        try (DatabaseReader reader = open(writer)) {
            assertThat(reader.country(InetAddress.getByName("89.160.20.5")).country().isoCode()).isEqualTo("SE");
        }
    }

    @Test
    void aWholeTreeNetworkIsRefused() {
        assertThatThrownBy(() -> MmdbWriter.create("Test").insert("::/0", Map.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a /0 network would replace the whole tree: ::/0");
    }
}
