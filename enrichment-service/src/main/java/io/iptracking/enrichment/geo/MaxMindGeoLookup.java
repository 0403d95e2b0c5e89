package io.iptracking.enrichment.geo;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.maxmind.db.ClosedDatabaseException;
import io.iptracking.common.event.Geo;
import io.iptracking.common.ip.ClientIp;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link GeoLookup} over MaxMind GeoIP2/GeoLite2 databases: a City (or Country) database and an optional
 * ASN database, with a bounded per-IP cache in front.
 *
 * <p>The databases are replaced on disk by MaxMind's geoipupdate. {@link #reloadIfChanged()} opens a
 * changed file and swaps it in atomically, together with a fresh per-IP cache, so no answer from the
 * old file outlives it. A file that cannot be opened leaves the last good database in use (and is tried
 * again when it changes). A lookup running while its database is swapped and closed repeats on the new
 * one: lookups never fail because of a reload.
 */
public final class MaxMindGeoLookup implements GeoLookup, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MaxMindGeoLookup.class);
    private static final int MAX_ATTEMPTS = 3;

    /**
     * How to open and cache the databases.
     *
     * @param cityDatabase the City or Country database
     * @param asnDatabase the ASN database, or null for none
     * @param nodeCacheSize entries of GeoIP2's decoded-node cache, per database
     * @param cacheSize per-IP answers kept; 0 for no per-IP cache (every lookup reads the databases)
     * @param cacheExpiry how long a per-IP answer is kept
     */
    public record Settings(Path cityDatabase, Path asnDatabase, int nodeCacheSize, long cacheSize, Duration cacheExpiry) {
    }

    /**
     * The databases in use, the answers they gave (null without a per-IP cache) and one instance of each
     * distinct answer: replaced as a whole on every reload.
     *
     * <p>Many IPs share a place (a city and a network), so the cached answers share one {@link Geo} per
     * place rather than holding one each: a few thousand objects that stay in the processor's caches
     * instead of one per IP, and whoever keeps something per answer (the enriched-event writer keeps its
     * JSON) compares an answer with itself. At most as many places are kept as per-IP answers.
     */
    private record Generation(GeoDatabase city, GeoDatabase asn, Cache<ClientIp, Geo> answers, Map<Geo, Geo> places,
            long maxPlaces) {

        boolean empty() {
            return city == null && asn == null;
        }

        Geo shared(Geo answer) {
            if (places.size() >= maxPlaces) {
                return answer;
            }
            Geo known = places.putIfAbsent(answer, answer);
            return known != null ? known : answer;
        }

        Geo find(ClientIp ip) throws Exception {
            GeoFields fields = new GeoFields();
            var address = ip.toInetAddress();
            if (city != null) {
                city.lookup(address, fields);
            }
            if (asn != null) {
                asn.lookup(address, fields);
            }
            return fields.toGeo();
        }
    }

    private final Settings settings;
    private final Ticker ticker;
    private final Clock clock;
    private final List<DatabaseFile> files = new ArrayList<>();
    private final AtomicReference<Generation> current = new AtomicReference<>();
    private final LongAdder nonRoutable = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder databaseLookups = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder reloads = new LongAdder();
    private final LongAdder failedReloads = new LongAdder();
    private volatile String lastReloadError;
    private ScheduledExecutorService watcher;

    private MaxMindGeoLookup(Settings settings, Ticker ticker, Clock clock) {
        this.settings = settings;
        this.ticker = ticker;
        this.clock = clock;
        files.add(new DatabaseFile(DatabaseRole.CITY, settings.cityDatabase()));
        if (settings.asnDatabase() != null) {
            files.add(new DatabaseFile(DatabaseRole.ASN, settings.asnDatabase()));
        }
    }

    /**
     * Opens the configured databases.
     *
     * @param required when true, a database that cannot be opened stops here with a
     *     {@link GeoDatabaseException}; when false, lookups give empty geo fields until it appears
     *     (see {@link #isDegraded()})
     * @param ticker the per-IP cache's time source
     * @param clock when databases were loaded, for {@link DatabaseInfo#loadedAt()}
     */
    public static MaxMindGeoLookup open(Settings settings, boolean required, Ticker ticker, Clock clock) {
        MaxMindGeoLookup lookup = new MaxMindGeoLookup(settings, ticker, clock);
        GeoDatabase city = null;
        GeoDatabase asn = null;
        for (DatabaseFile file : lookup.files) {
            file.markTried();
            try {
                GeoDatabase db = GeoDatabase.open(file.role(), file.path(), settings.nodeCacheSize(), clock.instant());
                if (file.role() == DatabaseRole.CITY) {
                    city = db;
                } else {
                    asn = db;
                }
                log.info("GeoIP {} database {} ({}, built {})", file.role().tag(), file.path(), db.info().type(),
                        db.info().buildTime());
            } catch (GeoDatabaseException e) {
                if (required) {
                    if (city != null) {
                        city.close();
                    }
                    throw e;
                }
                lookup.lastReloadError = e.getMessage();
                log.warn("{}; enrichment runs with empty geo fields until the file appears", e.getMessage());
            }
        }
        lookup.current.set(lookup.newGeneration(city, asn));
        return lookup;
    }

    @Override
    public Geo lookup(ClientIp ip) {
        if (NonRoutableAddresses.contains(ip)) {
            nonRoutable.increment();
            return Geo.PRIVATE;
        }
        for (int attempt = 1; ; attempt++) {
            Generation g = current.get();
            if (g.empty()) {
                return Geo.UNKNOWN;
            }
            Geo cached = g.answers() == null ? null : g.answers().getIfPresent(ip);
            if (cached != null) {
                cacheHits.increment();
                return cached;
            }
            try {
                Geo geo = g.find(ip);
                databaseLookups.increment();
                if (g.answers() != null) {
                    geo = g.shared(geo);
                    g.answers().put(ip, geo);
                }
                return geo;
            } catch (ClosedDatabaseException e) {
                // Swapped and closed under this lookup: repeat it on the generation that replaced it.
                if (attempt == MAX_ATTEMPTS) {
                    return failed(ip, e);
                }
            } catch (Exception e) {
                return failed(ip, e);
            }
        }
    }

    private Geo failed(ClientIp ip, Exception e) {
        // A damaged record or an out-of-range value: the event goes on without geo data.
        errors.increment();
        log.debug("GeoIP lookup of {} failed", ip, e);
        return Geo.UNKNOWN;
    }

    /**
     * Opens every database file that changed since it was last opened or tried, and swaps the good ones
     * in. Called on a schedule by {@link #watch(Duration)}; safe to call from anywhere.
     *
     * @return true when a new database is in use
     */
    public synchronized boolean reloadIfChanged() {
        Generation old = current.get();
        GeoDatabase city = old.city();
        GeoDatabase asn = old.asn();
        List<GeoDatabase> replaced = new ArrayList<>();
        boolean swapped = false;
        for (DatabaseFile file : files) {
            if (file.changed() == null) {
                continue;
            }
            GeoDatabase db;
            try {
                db = GeoDatabase.open(file.role(), file.path(), settings.nodeCacheSize(), clock.instant());
            } catch (GeoDatabaseException e) {
                failedReloads.increment();
                lastReloadError = e.getMessage();
                log.warn("{}; still using the database loaded before", e.getMessage());
                continue;
            }
            reloads.increment();
            swapped = true;
            log.info("GeoIP {} database reloaded from {} ({}, built {})", file.role().tag(), file.path(), db.info().type(),
                    db.info().buildTime());
            if (file.role() == DatabaseRole.CITY) {
                Optional.ofNullable(city).ifPresent(replaced::add);
                city = db;
            } else {
                Optional.ofNullable(asn).ifPresent(replaced::add);
                asn = db;
            }
        }
        if (swapped) {
            current.set(newGeneration(city, asn));
            if (city != null && (settings.asnDatabase() == null || asn != null)) {
                lastReloadError = null;
            }
            // Lookups still reading a closed database repeat on the new generation.
            replaced.forEach(GeoDatabase::close);
        }
        return swapped;
    }

    /** Checks the files for a new version every {@code interval}, on a daemon thread, until {@link #close()}. */
    public synchronized MaxMindGeoLookup watch(Duration interval) {
        if (watcher == null) {
            watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "geoip-reload");
                t.setDaemon(true);
                return t;
            });
            long millis = interval.toMillis();
            watcher.scheduleWithFixedDelay(() -> {
                try {
                    reloadIfChanged();
                } catch (RuntimeException e) {
                    log.warn("GeoIP reload check failed", e);
                }
            }, millis, millis, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private Generation newGeneration(GeoDatabase city, GeoDatabase asn) {
        if (settings.cacheSize() == 0) {
            return new Generation(city, asn, null, Map.of(), 0);
        }
        Cache<ClientIp, Geo> answers = Caffeine.newBuilder()
                .maximumSize(settings.cacheSize())
                .expireAfterWrite(settings.cacheExpiry())
                .ticker(ticker)
                // Bookkeeping (replaying reads to the eviction policy) on the thread that looked up, when
                // its buffer fills: not handed to the common pool, whose thread would first have to be woken.
                .executor(Runnable::run)
                .build();
        return new Generation(city, asn, answers, new ConcurrentHashMap<>(), settings.cacheSize());
    }

    /** The database in use for {@code role}, if any. */
    public Optional<DatabaseInfo> database(DatabaseRole role) {
        Generation g = current.get();
        GeoDatabase db = role == DatabaseRole.CITY ? g.city() : g.asn();
        return Optional.ofNullable(db).map(GeoDatabase::info);
    }

    /** True while a configured database is not loaded, so its fields stay empty. */
    public boolean isDegraded() {
        Generation g = current.get();
        return g.city() == null || (settings.asnDatabase() != null && g.asn() == null);
    }

    /** Why the last start-up load or reload failed; null after a complete successful reload. */
    public String lastReloadError() {
        return lastReloadError;
    }

    /** Lookups answered without a database: non-routable addresses. */
    public long nonRoutableLookups() {
        return nonRoutable.sum();
    }

    /** Lookups answered from the per-IP cache. */
    public long cacheHits() {
        return cacheHits.sum();
    }

    /** Lookups answered by the databases (per-IP cache misses). */
    public long databaseLookups() {
        return databaseLookups.sum();
    }

    /** Lookups that failed inside a database and gave empty fields. */
    public long errors() {
        return errors.sum();
    }

    /** Databases swapped in since start-up. */
    public long reloads() {
        return reloads.sum();
    }

    /** Changed database files that could not be opened; the previous database stayed in use. */
    public long failedReloads() {
        return failedReloads.sum();
    }

    /** Share of database-backed lookups answered from the per-IP cache, 0 to 1; NaN before the first. */
    public double cacheHitRatio() {
        double hits = cacheHits.sum();
        double total = hits + databaseLookups.sum();
        return total == 0 ? Double.NaN : hits / total;
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.shutdownNow();
            watcher = null;
        }
        Generation g = current.get();
        if (g != null) {
            Optional.ofNullable(g.city()).ifPresent(GeoDatabase::close);
            Optional.ofNullable(g.asn()).ifPresent(GeoDatabase::close);
        }
    }
}
