package io.iptracking.enrichment;

import com.github.benmanes.caffeine.cache.Ticker;
import io.iptracking.common.event.Geo;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.enrichment.geo.MaxMindGeoLookup;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Lookups per second of {@link MaxMindGeoLookup} over a real GeoLite2 City database, on one thread (as
 * one stream thread does): straight from the database (node cache only), and from the per-IP cache.
 * Run by {@link EnrichmentBenchmark}, never by the build.
 */
@State(Scope.Thread)
public class GeoLookupBenchmark {

    /** The City database file. */
    @Param({})
    public String cityDatabase;

    /** {@code database}: no per-IP cache, 65 536 different addresses; {@code cached}: 4 096 addresses, all cached. */
    @Param({"database", "cached"})
    public String answers;

    private MaxMindGeoLookup geo;
    private ClientIp[] ips;
    private int next;

    @Setup(Level.Trial)
    public void open() {
        boolean cached = answers.equals("cached");
        geo = MaxMindGeoLookup.open(new MaxMindGeoLookup.Settings(Path.of(cityDatabase), null, 4096,
                cached ? 100_000 : 0, Duration.ofHours(24)), true, Ticker.systemTicker(), Clock.systemUTC());
        ips = ClientIps.publicMix(cached ? 4096 : 65_536, new SplittableRandom(42));
        for (ClientIp ip : ips) {
            geo.lookup(ip);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        geo.close();
    }

    @Benchmark
    public Geo lookup() {
        // The pool sizes are powers of two.
        return geo.lookup(ips[next++ & (ips.length - 1)]);
    }
}
