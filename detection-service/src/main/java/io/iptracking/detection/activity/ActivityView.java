package io.iptracking.detection.activity;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.Geo;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.detection.anomaly.Feature;
import io.iptracking.detection.window.ClientWindow;
import io.iptracking.detection.window.Kind;
import io.iptracking.detection.window.WindowSummary;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The current window of one client as the activity endpoint shows it: the window that ends with the
 * client's latest request, what the rules count in it, and which rules are in their cool-down.
 *
 * @param ip the address asked about
 * @param client what detection counts it as: the address, or its network
 * @param servedBy {@code host:port} of the instance that holds the client's partition
 * @param recentPaths a few recent distinct paths (cut to 100 characters)
 * @param quietUntil per rule that flagged the client, the event time until which it stays quiet
 * @param features the anomaly features of the window, by feature label
 */
public record ActivityView(
        ClientIp ip,
        Cidr client,
        Instant windowStart,
        Instant windowEnd,
        Instant lastSeen,
        long requests,
        long distinctPaths,
        long sensitiveRequests,
        long authFailures,
        long notFound,
        long errors,
        long userAgents,
        Map<Integer, Long> statusCounts,
        List<String> recentPaths,
        Map<FlagRule, Instant> quietUntil,
        Map<String, Double> features,
        Geo geo,
        String servedBy) {

    private static final int RECENT_PATHS = 10;

    static ActivityView of(ClientIp ip, Cidr client, ClientWindow w, int windowBuckets, String servedBy) {
        WindowSummary s = w.summary(windowBuckets);
        Map<FlagRule, Instant> quiet = new LinkedHashMap<>();
        w.quietUntil().forEach((rule, until) -> quiet.put(rule, Instant.ofEpochMilli(until)));
        Map<String, Double> features = new LinkedHashMap<>();
        double[] v = Feature.vector(s);
        for (Feature f : Feature.values()) {
            features.put(f.label(), Math.round(v[f.ordinal()] * 1000) / 1000.0);
        }
        boolean any = s.requests() > 0;
        return new ActivityView(ip, client, any ? Instant.ofEpochMilli(s.firstAt()) : null,
                any ? Instant.ofEpochMilli(s.lastAt()) : null, Instant.ofEpochMilli(w.lastSeen()), s.requests(),
                s.distinctPaths(), s.sensitiveRequests(), s.authFailures(), s.notFound(), s.errors(), s.distinctAgents(),
                w.statusCounts(windowBuckets), w.samplePaths(Kind.ANY, w.windowStart(windowBuckets), RECENT_PATHS), quiet, features,
                w.geo(), servedBy);
    }
}
