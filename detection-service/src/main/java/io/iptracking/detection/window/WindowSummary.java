package io.iptracking.detection.window;

/**
 * What one client did in one window ({@link ClientWindow#summary(int)}): the counts behind a flag's
 * evidence, the activity endpoint and the anomaly features.
 *
 * @param firstAt event time of the first request in the window (epoch ms); 0 when there is none
 * @param lastAt event time of the last one
 * @param distinctPaths distinct paths, exact up to the window's capacity for them
 * @param distinctAgents distinct user agents (no user agent counts as one), exact up to the capacity
 * @param agentChanges how often the user agent differs from the previous request's
 * @param meanGapMs mean time between consecutive requests (a request's gap to the one before it counts
 *     when that one lies within the window ending with it), 0 with fewer than two
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
        double gapVariation) {
}
