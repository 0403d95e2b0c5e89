package io.iptracking.ingest.lists;

import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Lookup cost of {@link PrefixMatcher} at 10k and 1M entries of a realistic list (see
 * {@link BlocklistData}), against an exact {@code ConcurrentHashMap<ClientIp, …>} lookup of the same
 * queries as the reference. {@code lookupMixed} is half hits, half misses, in random order;
 * {@code lookupMiss} and {@code lookupHit} isolate the two paths (run with {@code -prof gc} for the
 * allocation of each). The first fork of each size also prints the heap the matcher and the reference
 * retain.
 *
 * <p>JMH's table is in ops/µs and µs/op; {@link BenchmarkMain} then prints lookups/s, ns/op and the
 * ratio to the reference. The defaults are a short run (1 fork, 3 × 2 s warm-up, 5 × 2 s measurement); for figures to
 * publish use e.g. {@code -f 3 -wi 5 -i 10}.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PrefixMatcherBenchmark {

    /** Queries per set: a power of two, so the cursor wraps with a mask. */
    private static final int QUERIES = 1 << 16;

    @Param({"10000", "1000000"})
    int entries;

    PrefixMatcher<String> matcher;
    ConcurrentHashMap<ClientIp, String> reference;
    ClientIp[] mixed;
    ClientIp[] hits;
    ClientIp[] misses;

    /** Per-thread position in the query sets. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int advance() {
            return next++ & (QUERIES - 1);
        }
    }

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        // Measuring the heap needs full GCs; do it once per size, in the forks of lookupMixed.
        boolean measure = params.getBenchmark().endsWith("lookupMixed") && params.getMode() == Mode.Throughput;
        long before = measure ? usedHeapAfterGc() : 0;
        BlocklistData data = BlocklistData.generate(entries, 20260301L);
        long afterKeys = measure ? usedHeapAfterGc() : 0;

        matcher = new PrefixMatcher<>();
        for (int i = 0; i < entries; i++) {
            matcher.put(data.cidrs[i], data.values[i], data.expiries[i]);
        }
        long afterMatcher = measure ? usedHeapAfterGc() : 0;

        // The reference can only answer exact addresses, so it holds the single-address entries.
        reference = new ConcurrentHashMap<>();
        for (int i = 0; i < entries; i++) {
            Cidr c = data.cidrs[i];
            if (c.isSingleAddress()) {
                reference.put(c.network(), data.values[i]);
            }
        }
        long afterReference = measure ? usedHeapAfterGc() : 0;
        if (matcher.size() != entries) {
            throw new IllegalStateException("built " + matcher.size() + " entries, wanted " + entries);
        }

        hits = new ClientIp[QUERIES];
        misses = new ClientIp[QUERIES];
        mixed = new ClientIp[QUERIES];
        for (int q = 0; q < QUERIES; q++) {
            hits[q] = data.addressIn(data.nextIndex());
            misses[q] = randomMiss(data);
            mixed[q] = data.coinFlip() ? data.addressIn(data.nextIndex()) : randomMiss(data);
        }
        for (ClientIp hit : hits) {
            if (matcher.lookup(hit, BlocklistData.NOW).isEmpty()) {
                throw new IllegalStateException("generated hit " + hit + " does not match");
            }
        }
        if (measure) {
            long singles = reference.mappingCount();
            System.out.printf("%n[heap] %,d entries: matcher %s (%d B/entry: tables + one match each); "
                            + "the generated entries it refers to (Cidr objects, expiry instants, arrays) %s (%d B/entry); "
                            + "reference ConcurrentHashMap of the %,d single addresses %s (%d B/entry)%n",
                    entries, mib(afterMatcher - afterKeys), (afterMatcher - afterKeys) / entries,
                    mib(afterKeys - before), (afterKeys - before) / entries,
                    singles, mib(afterReference - afterMatcher), (afterReference - afterMatcher) / singles);
        }
    }

    private ClientIp randomMiss(BlocklistData data) {
        while (true) {
            ClientIp candidate = data.randomAddress();
            if (matcher.lookup(candidate, BlocklistData.NOW).isEmpty()) {
                return candidate;
            }
        }
    }

    @Benchmark
    public Optional<PrefixMatcher.Match<String>> lookupMixed(Cursor cursor) {
        return matcher.lookup(mixed[cursor.advance()], BlocklistData.NOW);
    }

    @Benchmark
    public Optional<PrefixMatcher.Match<String>> lookupMiss(Cursor cursor) {
        return matcher.lookup(misses[cursor.advance()], BlocklistData.NOW);
    }

    @Benchmark
    public Optional<PrefixMatcher.Match<String>> lookupHit(Cursor cursor) {
        return matcher.lookup(hits[cursor.advance()], BlocklistData.NOW);
    }

    /** Reference: an exact-match hash lookup of the same mixed queries (ranges are not found). */
    @Benchmark
    public String referenceExactMap(Cursor cursor) {
        return reference.get(mixed[cursor.advance()]);
    }

    private static long usedHeapAfterGc() {
        // Several full collections: one may leave garbage that a finalizer or reference queue frees later.
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
