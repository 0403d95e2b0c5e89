package io.iptracking.detection.activity;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.Geo;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.detection.anomaly.Feature;
import io.iptracking.detection.rules.Detector;
import io.iptracking.detection.window.IpActivity;
import io.iptracking.detection.window.Span;
import io.iptracking.detection.window.WindowSummary;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The current window of one IP as the activity endpoint shows it: the window that ends with the IP's
 * latest request, what the rules count in it, and which rules are in their cool-down.
 *
 * @param servedBy {@code host:port} of the instance that holds the IP's partition
 * @param quietUntil per rule that flagged the IP, the event time until which it stays quiet
 * @param features the anomaly features of the window, by feature label
 */
public record ActivityView(
        ClientIp ip,
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

    static ActivityView of(ClientIp ip, IpActivity a, Detector detector, String servedBy) {
        Span span = detector.window().endingAt(a, a.lastSeen());
        WindowSummary s = WindowSummary.of(a, span, detector.counting());
        Map<FlagRule, Instant> quiet = new LinkedHashMap<>();
        a.quietUntil().forEach((rule, until) -> quiet.put(rule, Instant.ofEpochMilli(until)));
        Map<String, Double> features = new LinkedHashMap<>();
        double[] v = Feature.vector(s);
        for (Feature f : Feature.values()) {
            features.put(f.label(), Math.round(v[f.ordinal()] * 1000) / 1000.0);
        }
        boolean any = !span.isEmpty();
        return new ActivityView(ip, any ? Instant.ofEpochMilli(s.firstAt()) : null, any ? Instant.ofEpochMilli(s.lastAt()) : null,
                a.lastSeen() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(a.lastSeen()), s.requests(), s.distinctPaths(),
                s.sensitiveRequests(), s.authFailures(), s.notFound(), s.errors(), s.distinctAgents(), s.statusCounts(),
                WindowSummary.samplePaths(a, span, h -> true, RECENT_PATHS), quiet, features, a.geo(), servedBy);
    }
}
