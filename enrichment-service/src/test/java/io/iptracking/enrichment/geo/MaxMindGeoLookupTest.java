package io.iptracking.enrichment.geo;

import static io.iptracking.enrichment.GeoFixtures.AMSTERDAM;
import static io.iptracking.enrichment.GeoFixtures.AMSTERDAM_IP;
import static io.iptracking.enrichment.GeoFixtures.LINKOPING;
import static io.iptracking.enrichment.GeoFixtures.LINKOPING_IP;
import static io.iptracking.enrichment.GeoFixtures.LINKOPING_MAPPED_IP;
import static io.iptracking.enrichment.GeoFixtures.LONDON;
import static io.iptracking.enrichment.GeoFixtures.LONDON_IP;
import static io.iptracking.enrichment.GeoFixtures.MANCHESTER;
import static io.iptracking.enrichment.GeoFixtures.UNKNOWN_IP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import io.iptracking.common.event.Geo;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.enrichment.GeoFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MaxMind implementation over databases the tests write: lookups, cache, reloads, failures. */
class MaxMindGeoLookupTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-20T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    Path city;
    Path asn;
    final FakeTicker ticker = new FakeTicker();
    final List<MaxMindGeoLookup> opened = new ArrayList<>();

    @BeforeEach
    void databases() {
        city = GeoFixtures.writeCity(dir.resolve("GeoIP2-City.mmdb"));
        asn = GeoFixtures.writeAsn(dir.resolve("GeoLite2-ASN.mmdb"));
    }

    @AfterEach
    void close() {
        opened.forEach(MaxMindGeoLookup::close);
    }

    MaxMindGeoLookup open(Path cityFile, Path asnFile, boolean required) {
        MaxMindGeoLookup lookup = MaxMindGeoLookup.open(
                new MaxMindGeoLookup.Settings(cityFile, asnFile, 1024, 1000, Duration.ofHours(24)), required, ticker, CLOCK);
        opened.add(lookup);
        return lookup;
    }

    static Geo lookup(GeoLookup geo, String ip) {
        return geo.lookup(ClientIp.parse(ip));
    }

    @Test
    void addressesOfOnePlaceShareOneAnswerWhileADatabaseIsInUse() {
        MaxMindGeoLookup geo = open(city, asn, true);
        Geo first = lookup(geo, "81.2.69.1");
        assertThat(lookup(geo, "81.2.69.2")).isEqualTo(LONDON).isSameAs(first);
        assertThat(lookup(geo, "81.2.69.3")).isSameAs(first);

        GeoFixtures.writeUpdatedCity(city);
        assertThat(geo.reloadIfChanged()).isTrue();
        Geo afterReload = lookup(geo, "81.2.69.4");
        assertThat(afterReload).isEqualTo(MANCHESTER);
        assertThat(lookup(geo, "81.2.69.5")).isSameAs(afterReload);
    }

    @Test
    void cityAndAsnOfIpv4Ipv6AndIpv4MappedAddresses() {
        MaxMindGeoLookup geo = open(city, asn, true);
        assertThat(lookup(geo, LONDON_IP)).isEqualTo(LONDON);
        assertThat(lookup(geo, LINKOPING_IP)).isEqualTo(LINKOPING);
        assertThat(lookup(geo, LINKOPING_MAPPED_IP)).isEqualTo(LINKOPING);
        assertThat(lookup(geo, AMSTERDAM_IP)).isEqualTo(AMSTERDAM);
        assertThat(geo.isDegraded()).isFalse();
        assertThat(geo.errors()).isZero();
    }

    @Test
    void aPublicAddressInNoNetworkHasEmptyFields() {
        MaxMindGeoLookup geo = open(city, asn, true);
        assertThat(lookup(geo, UNKNOWN_IP)).isEqualTo(Geo.UNKNOWN);
        assertThat(lookup(geo, "2a00:1450::1")).isEqualTo(Geo.UNKNOWN);
        assertThat(geo.errors()).isZero();
    }

    @Test
    void nonRoutableAddressesAreMarkedWithoutALookup() {
        MaxMindGeoLookup geo = open(city, asn, true);
        for (String ip : List.of("10.0.0.1", "127.0.0.1", "169.254.1.1", "192.168.0.10", "240.0.0.1", "::1", "fe80::1",
                "fd00::7", "::ffff:192.168.1.1")) {
            assertThat(lookup(geo, ip)).as(ip).isEqualTo(Geo.PRIVATE);
        }
        assertThat(geo.nonRoutableLookups()).isEqualTo(9);
        assertThat(geo.databaseLookups()).isZero();
        assertThat(geo.cacheHits()).isZero();
    }

    @Test
    void withoutAnAsnDatabaseTheAsnFieldsStayEmpty() {
        MaxMindGeoLookup geo = open(city, null, true);
        assertThat(lookup(geo, LONDON_IP)).isEqualTo(GeoFixtures.withoutAsn(LONDON));
        assertThat(geo.database(DatabaseRole.ASN)).isEmpty();
    }

    @Test
    void aCountryDatabaseServesTheCityRoleWithCountriesOnly() {
        Path country = GeoFixtures.writeCountry(dir.resolve("GeoIP2-Country.mmdb"));
        MaxMindGeoLookup geo = open(country, asn, true);
        assertThat(lookup(geo, LINKOPING_IP))
                .isEqualTo(new Geo("SE", "Sweden", null, null, null, LINKOPING.asn(), LINKOPING.asOrganization(), false));
    }

    @Test
    void tellsWhichDatabasesAreInUseAndHowOldTheirDataIs() {
        MaxMindGeoLookup geo = open(city, asn, true);
        assertThat(geo.database(DatabaseRole.CITY)).hasValue(new DatabaseInfo(DatabaseRole.CITY, city, "GeoIP2-City",
                GeoFixtures.FIRST_BUILD, CLOCK.instant()));
        assertThat(geo.database(DatabaseRole.ASN)).hasValueSatisfying(d -> assertThat(d.type()).isEqualTo("GeoLite2-ASN"));
    }

    @Test
    void aRepeatedLookupComesFromTheCacheUntilItExpiresAfter24Hours() {
        MaxMindGeoLookup geo = open(city, asn, true);
        lookup(geo, LONDON_IP);
        lookup(geo, LONDON_IP);
        assertThat(geo.databaseLookups()).isEqualTo(1);
        assertThat(geo.cacheHits()).isEqualTo(1);
        assertThat(geo.cacheHitRatio()).isEqualTo(0.5);

        ticker.advance(Duration.ofHours(24).minusNanos(1));
        lookup(geo, LONDON_IP);
        assertThat(geo.cacheHits()).isEqualTo(2);
        ticker.advance(Duration.ofNanos(1));
        assertThat(lookup(geo, LONDON_IP)).isEqualTo(LONDON);
        assertThat(geo.databaseLookups()).isEqualTo(2);
    }

    @Test
    void withoutAPerIpCacheEveryLookupReadsTheDatabase() {
        MaxMindGeoLookup geo = MaxMindGeoLookup.open(
                new MaxMindGeoLookup.Settings(city, asn, 1024, 0, Duration.ofHours(24)), true, ticker, CLOCK);
        opened.add(geo);
        assertThat(lookup(geo, LONDON_IP)).isEqualTo(LONDON);
        assertThat(lookup(geo, LONDON_IP)).isEqualTo(LONDON);
        assertThat(geo.databaseLookups()).isEqualTo(2);
        assertThat(geo.cacheHits()).isZero();
    }

    @Test
    void aReplacedFileIsSwappedInAndNoCachedAnswerOutlivesIt() {
        MaxMindGeoLookup geo = open(city, asn, true);
        assertThat(lookup(geo, LONDON_IP)).isEqualTo(LONDON);
        assertThat(geo.reloadIfChanged()).as("nothing changed yet").isFalse();

        GeoFixtures.writeUpdatedCity(city);
        assertThat(geo.reloadIfChanged()).isTrue();
        assertThat(lookup(geo, LONDON_IP)).isEqualTo(MANCHESTER);
        assertThat(lookup(geo, LINKOPING_IP)).isEqualTo(LINKOPING);
        assertThat(geo.reloads()).isEqualTo(1);
        assertThat(geo.database(DatabaseRole.CITY)).hasValueSatisfying(
                d -> assertThat(d.buildTime()).isEqualTo(GeoFixtures.SECOND_BUILD));
        assertThat(geo.reloadIfChanged()).as("the same file again").isFalse();
    }

    @Test
    void aCorruptReplacementKeepsTheLastGoodDatabaseAndIsRetriedWhenItChangesAgain() throws Exception {
        MaxMindGeoLookup geo = open(city, asn, true);
        Path corrupt = dir.resolve("corrupt.tmp");
        Files.write(corrupt, new byte[] {1, 2, 3, 4});
        Files.move(corrupt, city, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        assertThat(geo.reloadIfChanged()).isFalse();
        assertThat(geo.failedReloads()).isEqualTo(1);
        assertThat(geo.lastReloadError()).startsWith("GeoIP city database " + city.toAbsolutePath() + " is not a valid MaxMind DB file: ");
        assertThat(lookup(geo, LONDON_IP)).isEqualTo(LONDON);
        assertThat(geo.reloadIfChanged()).as("the same corrupt file is not tried again").isFalse();
        assertThat(geo.failedReloads()).isEqualTo(1);

        GeoFixtures.writeUpdatedCity(city);
        assertThat(geo.reloadIfChanged()).isTrue();
        assertThat(lookup(geo, LONDON_IP)).isEqualTo(MANCHESTER);
        assertThat(geo.lastReloadError()).isNull();
    }

    @Test
    void aMissingDatabaseStopsStartUpWithTheFileNamed() {
        Path missing = dir.resolve("nowhere/GeoLite2-City.mmdb");
        assertThatThrownBy(() -> open(missing, asn, true))
                .isInstanceOf(GeoDatabaseException.class)
                .hasMessage("GeoIP city database not found at " + missing.toAbsolutePath());
    }

    @Test
    void aCorruptDatabaseStopsStartUp() throws Exception {
        Path corrupt = Files.write(dir.resolve("corrupt.mmdb"), "not a database".getBytes());
        assertThatThrownBy(() -> open(city, corrupt, true))
                .isInstanceOf(GeoDatabaseException.class)
                .hasMessageStartingWith("GeoIP asn database " + corrupt.toAbsolutePath() + " is not a valid MaxMind DB file: ");
    }

    @Test
    void aDatabaseOfTheWrongTypeStopsStartUp() {
        assertThatThrownBy(() -> open(asn, null, true))
                .isInstanceOf(GeoDatabaseException.class)
                .hasMessage("GeoIP city database " + asn.toAbsolutePath() + " is a 'GeoLite2-ASN' database;"
                        + " enrichment.geoip.city-database needs a GeoIP2 or GeoLite2 City or Country database");
    }

    @Test
    void withoutARequiredDatabaseItRunsDegradedUntilTheFileAppears() {
        Path later = dir.resolve("later/GeoLite2-City.mmdb");
        MaxMindGeoLookup geo = open(later, asn, false);
        assertThat(geo.isDegraded()).isTrue();
        assertThat(geo.lastReloadError()).isEqualTo("GeoIP city database not found at " + later.toAbsolutePath());
        assertThat(lookup(geo, LONDON_IP)).isEqualTo(new Geo(null, null, null, null, null, LONDON.asn(),
                LONDON.asOrganization(), false));
        assertThat(lookup(geo, "10.0.0.1")).isEqualTo(Geo.PRIVATE);
        assertThat(geo.reloadIfChanged()).isFalse();

        GeoFixtures.writeCity(later);
        assertThat(geo.reloadIfChanged()).isTrue();
        assertThat(geo.isDegraded()).isFalse();
        assertThat(lookup(geo, LONDON_IP)).isEqualTo(LONDON);
    }

    @Test
    void withNoDatabaseAtAllEveryPublicAddressIsUnknown() {
        MaxMindGeoLookup geo = open(dir.resolve("none.mmdb"), null, false);
        assertThat(lookup(geo, LONDON_IP)).isEqualTo(Geo.UNKNOWN);
        assertThat(lookup(geo, "192.168.1.1")).isEqualTo(Geo.PRIVATE);
    }

    @Test
    void theWatcherSwapsAChangedFileByItself() throws Exception {
        MaxMindGeoLookup geo = open(city, asn, true).watch(Duration.ofMillis(20));
        GeoFixtures.writeUpdatedCity(city);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> geo.reloads() == 1);
        assertThat(lookup(geo, LONDON_IP)).isEqualTo(MANCHESTER);
    }

    /** Lookups on several threads while the database is swapped again and again: none fails. */
    @Test
    void lookupsInFlightDuringSwapsNeverFail() throws Exception {
        // A cache of one entry makes nearly every lookup read the database being swapped.
        MaxMindGeoLookup geo = MaxMindGeoLookup.open(
                new MaxMindGeoLookup.Settings(city, asn, 16, 1, Duration.ofHours(24)), true, ticker, CLOCK);
        opened.add(geo);
        List<ClientIp> ips = List.of(ClientIp.parse(LONDON_IP), ClientIp.parse(LINKOPING_IP), ClientIp.parse(AMSTERDAM_IP));
        Set<Geo> expected = Set.of(LONDON, MANCHESTER, LINKOPING, AMSTERDAM);
        AtomicBoolean swapping = new AtomicBoolean(true);
        AtomicLong wrong = new AtomicLong();
        AtomicLong done = new AtomicLong();
        CountDownLatch started = new CountDownLatch(3);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                readers.add(threads.submit(() -> {
                    started.countDown();
                    for (int i = 0; swapping.get(); i++) {
                        Geo g = geo.lookup(ips.get(i % ips.size()));
                        if (!expected.contains(g)) {
                            wrong.incrementAndGet();
                        }
                        done.incrementAndGet();
                    }
                }));
            }
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            for (int swap = 0; swap < 40; swap++) {
                if (swap % 2 == 0) {
                    GeoFixtures.writeUpdatedCity(city);
                } else {
                    GeoFixtures.writeCity(city);
                }
                assertThat(geo.reloadIfChanged()).as("swap %d", swap).isTrue();
            }
            swapping.set(false);
            for (Future<?> f : readers) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(done.get()).isPositive();
        assertThat(wrong.get()).isZero();
        assertThat(geo.errors()).isZero();
        assertThat(geo.reloads()).isEqualTo(40);
    }

    /** A Caffeine ticker the test moves by hand. */
    static final class FakeTicker implements Ticker {
        private final AtomicLong nanos = new AtomicLong();

        @Override
        public long read() {
            return nanos.get();
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }
}
