package io.iptracking.detection.window;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What one IP did in one window: the counts behind a flag's evidence, the activity endpoint and the
 * anomaly features.
 *
 * @param firstAt event time of the first request in the window (epoch ms)
 * @param lastAt event time of the last one
 * @param agentChanges how often the user agent differs from the previous request's
 * @param meanGapMs mean time between consecutive requests, 0 with fewer than two
 * @param gapVariation coefficient of variation of those gaps (standard deviation / mean); 0 with fewer
 *     than three requests or when all arrive at once
 */
public record WindowSummary(
        long firstAt,
        long lastAt,
        long requests,
        long distinctPaths,
        long sensitiveRequests,
        long authFailures,
        long notFound,
        long errors,
        long withStatus,
        long distinctAgents,
        long agentChanges,
        double meanGapMs,
        double gapVariation,
        Map<Integer, Long> statusCounts) {

    public static WindowSummary of(IpActivity a, Span span, Counting counting) {
        long requests = 0;
        long sensitive = 0;
        long authFailures = 0;
        long notFound = 0;
        long errors = 0;
        long withStatus = 0;
        long agentChanges = 0;
        // Dictionary indexes make distinct counts a flag per index, without boxing.
        boolean[] seenPath = new boolean[a.pathCount()];
        boolean[] seenAgent = new boolean[a.agentDictionary().size() + 1];
        long distinctPaths = 0;
        long distinctAgents = 0;
        Map<Integer, Long> statuses = new TreeMap<>();
        double sumGap = 0;
        double sumGapSq = 0;
        for (int i = span.from(); i <= span.to(); i++) {
            Hit h = a.hit(i);
            requests++;
            if (!seenPath[h.path()]) {
                seenPath[h.path()] = true;
                distinctPaths++;
            }
            if (!seenAgent[h.agent() + 1]) {
                seenAgent[h.agent() + 1] = true;
                distinctAgents++;
            }
            if (counting.isSensitive(h)) {
                sensitive++;
            }
            if (counting.isAuthFailure(h)) {
                authFailures++;
            }
            if (counting.isNotFound(h)) {
                notFound++;
            }
            if (h.status() > 0) {
                withStatus++;
                statuses.merge(h.status(), 1L, Long::sum);
                if (counting.isError(h)) {
                    errors++;
                }
            }
            if (i > span.from()) {
                Hit previous = a.hit(i - 1);
                if (previous.agent() != h.agent()) {
                    agentChanges++;
                }
                double gap = h.at() - previous.at();
                sumGap += gap;
                sumGapSq += gap * gap;
            }
        }
        long gaps = Math.max(0, requests - 1);
        double mean = gaps == 0 ? 0 : sumGap / gaps;
        double variation = 0;
        if (gaps >= 2 && mean > 0) {
            double variance = Math.max(0, sumGapSq / gaps - mean * mean);
            variation = Math.sqrt(variance) / mean;
        }
        long first = span.isEmpty() ? 0 : a.hit(span.from()).at();
        long last = span.isEmpty() ? 0 : a.hit(span.to()).at();
        return new WindowSummary(first, last, requests, distinctPaths, sensitive, authFailures, notFound, errors,
                withStatus, distinctAgents, agentChanges, mean, variation, statuses);
    }

    /**
     * Up to {@code max} distinct paths of the requests in {@code span} that {@code which} accepts,
     * most recent first.
     */
    public static List<String> samplePaths(IpActivity a, Span span, Predicate<Hit> which, int max) {
        LinkedHashSet<String> samples = new LinkedHashSet<>();
        for (int i = span.to(); i >= span.from() && samples.size() < max; i--) {
            Hit h = a.hit(i);
            if (which.test(h)) {
                samples.add(a.path(h.path()));
            }
        }
        return new ArrayList<>(samples);
    }
}
