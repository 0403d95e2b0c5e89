package io.iptracking.detection.window;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.Geo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What detection remembers about one client (an IPv4 address or an IPv6 network): counts per time
 * bucket, the recent distinct paths and user agents as digests, a few sample paths, the last place it
 * was seen from, and until when each rule stays quiet after flagging it. The value of the client
 * store, read and written once per request; not thread-safe.
 *
 * <p><b>Bounded whatever the client sends.</b> The buckets cover the window and the grace at most
 * ({@code (window + grace) / bucket width + 1} of them, each a handful of counters); the distinct
 * paths and agents are capped sets of 8-byte digests; the sample paths are the {@link SamplePaths#KEPT}
 * latest distinct ones, each cut to {@link SamplePaths#MAX_CHARS} characters. So the state of a client that sends
 * 100,000 requests with distinct 2 KB paths is the same size as that of one that sends a few hundred.
 *
 * <p><b>What the buckets cost in precision.</b> A window of {@code n} buckets of width {@code b}
 * ending at time {@code T} counts the requests from the start of the bucket {@code n - 1} buckets
 * before {@code T}'s to {@code T}: it spans between {@code n·b - b} and {@code n·b}. It never counts a
 * request that an exact sliding window of {@code n·b} ending at {@code T} would not, and it misses
 * at most the requests of one bucket's width at its old end. With the defaults (1 hour, 1-minute
 * buckets) every burst that fits within 59 minutes is counted whole, wherever it falls relative to the
 * clock. Distinct counts are exact up to the capacity of their set ({@link #PATH_CAPACITY} paths at
 * least, {@link #AGENT_CAPACITY} user agents) and saturate there.
 */
public final class ClientWindow {

    /** Distinct paths remembered at least; more when a rule's threshold needs more. */
    public static final int PATH_CAPACITY = 128;

    /** Distinct user agents remembered. */
    public static final int AGENT_CAPACITY = 16;

    private final long bucketMs;
    private final ArrayList<Bucket> buckets = new ArrayList<>();
    private final RecentKeys paths;
    private final RecentKeys agents;
    private final SamplePaths samples = new SamplePaths();
    private final EnumMap<FlagRule, Long> quietUntil = new EnumMap<>(FlagRule.class);
    private Geo geo = Geo.UNKNOWN;
    /** {@link #geo} as the serde writes it, kept while it does not change (see {@link Bucket#encoding}). */
    private byte[] geoEncoding;
    private long lastSeen = Long.MIN_VALUE;
    private long lastAgent;
    private long sampledAt = Long.MIN_VALUE;

    /**
     * A client not seen before.
     *
     * @param bucketMs the bucket width in milliseconds
     * @param pathCapacity distinct paths remembered (at least {@link #PATH_CAPACITY})
     */
    public ClientWindow(long bucketMs, int pathCapacity) {
        if (bucketMs < 1) {
            throw new IllegalArgumentException("bucket width must be at least 1 ms, was " + bucketMs);
        }
        this.bucketMs = bucketMs;
        this.paths = new RecentKeys(Math.max(PATH_CAPACITY, pathCapacity));
        this.agents = new RecentKeys(AGENT_CAPACITY);
    }

    /**
     * Counts a request, and first forgets what happened before {@code retainFrom} (event time) and the
     * cool-downs that have ended.
     *
     * @param seenFrom where the request came from; the window keeps the latest
     * @param windowBuckets buckets in a window: the gap to the previous request (and whether the user
     *     agent changed) counts only when that request lies within the window that ends with this one
     */
    public void add(RequestFacts r, Counting counting, Geo seenFrom, long retainFrom, int windowBuckets) {
        forgetBefore(retainFrom);
        long at = r.at();
        forgetCoolDownsEndedBy(at);
        Bucket b = bucket(Math.floorDiv(at, bucketMs));
        b.encoding = null;
        b.requests++;
        b.firstAt = Math.min(b.firstAt, at);
        b.lastAt = Math.max(b.lastAt, at);
        boolean sensitive = counting.isSensitive(r);
        boolean authFailure = counting.isAuthFailure(r);
        boolean notFound = counting.isNotFound(r);
        boolean error = counting.isError(r);
        if (sensitive) {
            b.sensitive++;
        }
        if (authFailure) {
            b.authFailures++;
        }
        if (notFound) {
            b.notFound++;
        }
        if (r.status() > 0) {
            b.withStatus++;
            b.countStatus(r.status());
            if (error) {
                b.errors++;
            }
        }
        long agent = r.userAgent() == null ? 0 : RecentKeys.digest(r.userAgent());
        if (at >= lastSeen) {
            long windowFrom = (Math.floorDiv(at, bucketMs) - windowBuckets + 1) * bucketMs;
            if (lastSeen != Long.MIN_VALUE && lastSeen >= windowFrom) {
                long gap = at - lastSeen;
                b.gaps++;
                b.gapSum += gap;
                b.gapSquares += (double) gap * gap;
                if (agent != lastAgent) {
                    b.agentChanges++;
                }
            }
            lastSeen = at;
            lastAgent = agent;
            if (!seenFrom.equals(geo)) {
                geo = seenFrom;
                geoEncoding = null;
            }
        }
        paths.touch(RecentKeys.digest(r.path()), at);
        agents.touch(agent, at);
        samples.add(r.path(), Kind.ANY.bit() | (sensitive ? Kind.SENSITIVE.bit() : 0)
                | (authFailure ? Kind.AUTH_FAILURE.bit() : 0) | (notFound ? Kind.NOT_FOUND.bit() : 0)
                | (error ? Kind.ERROR.bit() : 0), at);
    }

    /** The bucket of {@code index}, created in order if the client had none. */
    private Bucket bucket(long index) {
        int i = buckets.size();
        while (i > 0 && buckets.get(i - 1).index > index) {
            i--;
        }
        if (i > 0 && buckets.get(i - 1).index == index) {
            return buckets.get(i - 1);
        }
        Bucket b = new Bucket(index);
        buckets.add(i, b);
        return b;
    }

    /** Forgets the buckets, distinct values and samples older than {@code from}; keeps cool-downs. */
    public void forgetBefore(long from) {
        long first = Math.floorDiv(from, bucketMs);
        int n = 0;
        while (n < buckets.size() && buckets.get(n).index < first) {
            n++;
        }
        if (n > 0) {
            buckets.subList(0, n).clear();
        }
        paths.forgetBefore(from);
        agents.forgetBefore(from);
        samples.forgetBefore(from);
    }

    /** Where the window of {@code windowBuckets} buckets that ends with the client's latest request starts. */
    public long windowStart(int windowBuckets) {
        return (Math.floorDiv(lastSeen, bucketMs) - windowBuckets + 1) * bucketMs;
    }

    /**
     * The window of {@code windowBuckets} buckets that ends with the client's latest request, without
     * the break-down by status ({@link #statusCounts(int)}), which only a flag and the activity
     * endpoint need.
     */
    public WindowSummary summary(int windowBuckets) {
        long last = Math.floorDiv(lastSeen, bucketMs);
        long first = last - windowBuckets + 1;
        long requests = 0;
        long sensitive = 0;
        long authFailures = 0;
        long notFound = 0;
        long errors = 0;
        long withStatus = 0;
        long agentChanges = 0;
        long gaps = 0;
        double gapSum = 0;
        double gapSquares = 0;
        long firstAt = Long.MAX_VALUE;
        long lastAt = Long.MIN_VALUE;
        for (Bucket b : buckets) {
            if (b.index < first || b.index > last) {
                continue;
            }
            requests += b.requests;
            sensitive += b.sensitive;
            authFailures += b.authFailures;
            notFound += b.notFound;
            errors += b.errors;
            withStatus += b.withStatus;
            agentChanges += b.agentChanges;
            gaps += b.gaps;
            gapSum += b.gapSum;
            gapSquares += b.gapSquares;
            firstAt = Math.min(firstAt, b.firstAt);
            lastAt = Math.max(lastAt, b.lastAt);
        }
        long from = first * bucketMs;
        double mean = gaps == 0 ? 0 : gapSum / gaps;
        double variation = 0;
        if (gaps >= 2 && mean > 0) {
            double variance = Math.max(0, gapSquares / gaps - mean * mean);
            variation = Math.sqrt(variance) / mean;
        }
        if (requests == 0) {
            firstAt = 0;
            lastAt = 0;
        }
        return new WindowSummary(firstAt, lastAt, requests, paths.countSince(from), sensitive, authFailures, notFound,
                errors, withStatus, agents.countSince(from), agentChanges, mean, variation);
    }

    /** Requests per status in the window of {@code windowBuckets} buckets that ends with the latest request. */
    public Map<Integer, Long> statusCounts(int windowBuckets) {
        long last = Math.floorDiv(lastSeen, bucketMs);
        long first = last - windowBuckets + 1;
        Map<Integer, Long> statuses = new TreeMap<>();
        for (Bucket b : buckets) {
            if (b.index >= first && b.index <= last) {
                for (int i = 0; i < b.statuses.length; i++) {
                    statuses.merge((int) b.statuses[i], (long) b.statusCounts[i], Long::sum);
                }
            }
        }
        return statuses;
    }

    /** Up to {@code max} recent distinct paths of {@code kind} used at or after {@code from}, most recent first. */
    public List<String> samplePaths(Kind kind, long from, int max) {
        return samples.since(kind, from, max);
    }

    /** Where the client was placed by its latest request. */
    public Geo geo() {
        return geo;
    }

    /** Event time of the latest request, {@link Long#MIN_VALUE} before the first. */
    public long lastSeen() {
        return lastSeen;
    }

    public long bucketMs() {
        return bucketMs;
    }

    /** Distinct paths this window can count. */
    public int pathCapacity() {
        return paths.capacity();
    }

    /** Lets the window count up to {@code capacity} distinct paths (a threshold raised by configuration). */
    public void growPathCapacity(int capacity) {
        paths.grow(capacity);
    }

    /**
     * A rough count of the heap this window holds, for the cache of recently active clients: a full
     * window (every bucket, every set full) is about 20 KB.
     */
    public int heapBytes() {
        return 640 + buckets.size() * 160 + (paths.size() + agents.size()) * 16 + samples.all().size() * 256;
    }

    /** True while {@code rule} must not flag this client again. */
    public boolean isQuiet(FlagRule rule, long at) {
        Long until = quietUntil.get(rule);
        return until != null && at < until;
    }

    /** True while any rule other than {@code except} is in its cool-down. */
    public boolean isQuietForAnyBut(FlagRule except, long at) {
        for (Map.Entry<FlagRule, Long> e : quietUntil.entrySet()) {
            if (e.getKey() != except && at < e.getValue()) {
                return true;
            }
        }
        return false;
    }

    public void quiet(FlagRule rule, long until) {
        quietUntil.put(rule, until);
    }

    /** Cool-downs by rule: event time until which the rule stays quiet for this client. */
    public Map<FlagRule, Long> quietUntil() {
        return Collections.unmodifiableMap(quietUntil);
    }

    /** Drops cool-downs that ended by {@code at}. */
    public void forgetCoolDownsEndedBy(long at) {
        quietUntil.values().removeIf(until -> until <= at);
    }

    /** When this client's window was last given to the anomaly model's population sample. */
    public long sampledAt() {
        return sampledAt;
    }

    public void sampledAt(long at) {
        this.sampledAt = at;
    }

    /** Nothing worth keeping at event time {@code now}: no request since {@code retainFrom}, no rule in its cool-down. */
    public boolean isIdle(long retainFrom, long now) {
        return lastSeen < retainFrom && quietUntil.values().stream().allMatch(until -> until <= now);
    }

    // For the serde.

    List<Bucket> buckets() {
        return buckets;
    }

    RecentKeys paths() {
        return paths;
    }

    RecentKeys agents() {
        return agents;
    }

    SamplePaths samples() {
        return samples;
    }

    long lastAgent() {
        return lastAgent;
    }

    byte[] geoEncoding() {
        return geoEncoding;
    }

    void geoEncoding(byte[] encoding) {
        this.geoEncoding = encoding;
    }

    void restore(Geo geo, long lastSeen, long lastAgent, long sampledAt) {
        this.geo = geo;
        this.geoEncoding = null;
        this.lastSeen = lastSeen;
        this.lastAgent = lastAgent;
        this.sampledAt = sampledAt;
    }
}
