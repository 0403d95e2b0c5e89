package io.iptracking.common.event;

import java.util.List;
import java.util.Map;

/**
 * What a detection rule saw when it flagged an IP, for an operator to judge the flag by. The maps are
 * keyed by names the rule chooses ({@code requests}, {@code distinctPaths}, {@code authFailures}…), so
 * a rule can add a measure without a contract change. All collections are unmodifiable copies.
 *
 * @param counts measured counts in the window, by name
 * @param thresholds the limits those counts were compared with, by the same names
 * @param samplePaths a few of the paths requested, as published by the edge (no query strings by default)
 * @param statusCounts responses in the window by HTTP status; in JSON the keys are the status as text
 */
public record Evidence(
        Map<String, Long> counts,
        Map<String, Double> thresholds,
        List<String> samplePaths,
        Map<Integer, Long> statusCounts) {

    /** No evidence beyond the flag itself. */
    /** The most {@link #samplePaths()} a flag carries. */
    public static final int MAX_SAMPLE_PATHS = 100;

    public static final Evidence NONE = new Evidence(Map.of(), Map.of(), List.of(), Map.of());

    public Evidence {
        counts = Checks.immutableMap(counts, "Evidence.counts");
        counts.forEach((name, n) -> Checks.notNegative(n, "Evidence.counts[" + name + "]"));
        thresholds = Checks.immutableMap(thresholds, "Evidence.thresholds");
        thresholds.forEach((name, t) -> {
            if (!Double.isFinite(t)) {
                // JSON has no NaN or infinity: such a value could not be published.
                throw new IllegalArgumentException("Evidence.thresholds[" + name + "] must be finite, was " + t);
            }
        });
        samplePaths = Checks.immutableList(samplePaths, "Evidence.samplePaths");
        if (samplePaths.size() > MAX_SAMPLE_PATHS) {
            throw new IllegalArgumentException("Evidence.samplePaths must hold at most " + MAX_SAMPLE_PATHS + " paths, held "
                    + samplePaths.size());
        }
        for (int i = 0; i < samplePaths.size(); i++) {
            Checks.text(samplePaths.get(i), RequestEvent.MAX_PATH, "Evidence.samplePaths[" + i + "]");
        }
        statusCounts = Checks.immutableMap(statusCounts, "Evidence.statusCounts");
        statusCounts.forEach((status, n) -> {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException(
                        "Evidence.statusCounts key must be an HTTP status (100-599), was " + status);
            }
            Checks.notNegative(n, "Evidence.statusCounts[" + status + "]");
        });
    }
}
