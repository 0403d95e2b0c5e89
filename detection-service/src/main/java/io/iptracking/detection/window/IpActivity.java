package io.iptracking.detection.window;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.Geo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What detection remembers about one client IP: its recent requests in event-time order, the last
 * place it was seen from, and until when each rule stays quiet after flagging it. The value of the
 * activity store, read and written once per request; not thread-safe.
 *
 * <p>Requests are kept individually, not as counts, so that any sliding window can be evaluated
 * exactly, including one that a late request opens in the past.
 */
public final class IpActivity {

    private final List<Hit> hits;
    private final List<String> paths;
    private final List<String> agents;
    private final EnumMap<FlagRule, Long> quietUntil;
    private Geo geo;
    private long lastSeen;
    private double[] sample;
    private long sampledAt;
    // Built on first use: most reads never add a path.
    private Map<String, Integer> pathIndex;
    private Map<String, Integer> agentIndex;

    /** An IP not seen before. */
    public IpActivity() {
        this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new EnumMap<>(FlagRule.class), Geo.UNKNOWN,
                Long.MIN_VALUE);
    }

    IpActivity(List<Hit> hits, List<String> paths, List<String> agents, EnumMap<FlagRule, Long> quietUntil, Geo geo,
            long lastSeen) {
        this.hits = hits;
        this.paths = paths;
        this.agents = agents;
        this.quietUntil = quietUntil;
        this.geo = geo;
        this.lastSeen = lastSeen;
    }

    /**
     * Adds a request in event-time order (after any request with the same time) and returns its index.
     *
     * @param agent the user agent, or null
     * @param refusedByEdge see {@link Hit#refusedByEdge()}
     */
    public int add(long at, int status, String path, String agent, boolean authenticated, boolean sensitive,
            boolean refusedByEdge, Geo seenFrom) {
        Hit hit = new Hit(at, status, indexOf(path, paths, pathIndex()), agent == null ? -1 : indexOf(agent, agents, agentIndex()),
                authenticated, sensitive, refusedByEdge);
        int i = hits.size();
        while (i > 0 && hits.get(i - 1).at() > at) {
            i--;
        }
        hits.add(i, hit);
        if (at >= lastSeen) {
            lastSeen = at;
            geo = seenFrom;
        }
        return i;
    }

    /** Forgets requests before {@code from}; returns how many were forgotten. */
    public int forgetBefore(long from) {
        int n = 0;
        while (n < hits.size() && hits.get(n).at() < from) {
            n++;
        }
        forgetOldest(n);
        return n;
    }

    /**
     * Keeps at most {@code max} requests, forgetting the oldest. Bounds the state of a client that
     * sends far more than any threshold; its counts then saturate at {@code max}.
     */
    public int keepAtMost(int max) {
        int n = Math.max(0, hits.size() - max);
        forgetOldest(n);
        return n;
    }

    private void forgetOldest(int n) {
        if (n > 0) {
            hits.subList(0, n).clear();
            if (paths.size() > 2 * hits.size() + 64 || agents.size() > 2 * hits.size() + 64) {
                compactDictionaries();
            }
        }
    }

    /**
     * Drops dictionary entries no kept request uses. Without it an object that stays in memory (see
     * the processor's cache) would grow with every path a scanner ever tried, and so would the cost
     * of counting distinct paths.
     */
    private void compactDictionaries() {
        int[] pathMap = new int[paths.size()];
        int[] agentMap = new int[agents.size()];
        java.util.Arrays.fill(pathMap, -1);
        java.util.Arrays.fill(agentMap, -1);
        List<String> keptPaths = new ArrayList<>();
        List<String> keptAgents = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            Hit h = hits.get(i);
            if (pathMap[h.path()] < 0) {
                pathMap[h.path()] = keptPaths.size();
                keptPaths.add(paths.get(h.path()));
            }
            if (h.agent() >= 0 && agentMap[h.agent()] < 0) {
                agentMap[h.agent()] = keptAgents.size();
                keptAgents.add(agents.get(h.agent()));
            }
            hits.set(i, new Hit(h.at(), h.status(), pathMap[h.path()], h.agent() < 0 ? -1 : agentMap[h.agent()],
                    h.authenticated(), h.sensitive(), h.refusedByEdge()));
        }
        paths.clear();
        paths.addAll(keptPaths);
        agents.clear();
        agents.addAll(keptAgents);
        pathIndex = null;
        agentIndex = null;
    }

    public List<Hit> hits() {
        return Collections.unmodifiableList(hits);
    }

    public int size() {
        return hits.size();
    }

    public Hit hit(int i) {
        return hits.get(i);
    }

    public String path(int index) {
        return paths.get(index);
    }

    /** The user agent at {@code index}, or null for -1. */
    public String agent(int index) {
        return index < 0 ? null : agents.get(index);
    }

    int pathCount() {
        return paths.size();
    }

    List<String> pathDictionary() {
        return paths;
    }

    List<String> agentDictionary() {
        return agents;
    }

    /** Where the IP was placed by its latest request. */
    public Geo geo() {
        return geo;
    }

    /** Event time of the latest request, {@link Long#MIN_VALUE} before the first. */
    public long lastSeen() {
        return lastSeen;
    }

    /** True while {@code rule} must not flag this IP again. */
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

    /** Cool-downs by rule: event time until which the rule stays quiet for this IP. */
    public Map<FlagRule, Long> quietUntil() {
        return Collections.unmodifiableMap(quietUntil);
    }

    /** Drops cool-downs that ended before {@code at}. */
    public void forgetCoolDownsEndedBy(long at) {
        quietUntil.values().removeIf(until -> until <= at);
    }

    /**
     * Remembers the anomaly features of this IP's latest full window, taken at event time {@code at},
     * as its contribution to the population the anomaly model is fitted on. Kept after the requests
     * themselves are forgotten, so the model learns from a day of clients, not only those active now.
     */
    public void sample(double[] features, long at) {
        this.sample = features.clone();
        this.sampledAt = at;
    }

    /** The latest population sample, or null. */
    public double[] sample() {
        return sample == null ? null : sample.clone();
    }

    public long sampledAt() {
        return sampledAt;
    }

    /** Forgets the population sample if taken before {@code from}; true if it did. */
    public boolean forgetSampleBefore(long from) {
        if (sample != null && sampledAt < from) {
            sample = null;
            return true;
        }
        return false;
    }

    /** Nothing left worth keeping: no request in the window, no rule in its cool-down, no population sample. */
    public boolean isEmpty() {
        return hits.isEmpty() && quietUntil.isEmpty() && sample == null;
    }

    private Map<String, Integer> pathIndex() {
        if (pathIndex == null) {
            pathIndex = index(paths);
        }
        return pathIndex;
    }

    private Map<String, Integer> agentIndex() {
        if (agentIndex == null) {
            agentIndex = index(agents);
        }
        return agentIndex;
    }

    private static Map<String, Integer> index(List<String> values) {
        Map<String, Integer> index = new HashMap<>(values.size() * 2);
        for (int i = 0; i < values.size(); i++) {
            index.put(values.get(i), i);
        }
        return index;
    }

    private static int indexOf(String value, List<String> values, Map<String, Integer> index) {
        Integer i = index.get(value);
        if (i == null) {
            i = values.size();
            values.add(value);
            index.put(value, i);
        }
        return i;
    }
}
