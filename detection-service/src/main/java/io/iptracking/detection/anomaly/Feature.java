package io.iptracking.detection.anomaly;

import io.iptracking.detection.window.WindowSummary;

/**
 * The per-IP, per-window measures the anomaly score compares with the population. Each is oriented so
 * that larger is more suspicious; only deviations upwards raise the score. The floor is the smallest
 * spread assumed for the population: without it, a feature on which nearly every client agrees (error
 * ratio 0) would make any small deviation look infinitely unusual.
 */
public enum Feature {
    /** Requests in the window, on a log scale: volume matters by orders of magnitude. */
    VOLUME("requests (log)", 0.5) {
        @Override
        double of(WindowSummary s) {
            return Math.log1p(s.requests());
        }
    },
    /** Distinct paths per request: crawlers and scanners rarely ask for the same thing twice. */
    PATH_DIVERSITY("distinct-path ratio", 0.1) {
        @Override
        double of(WindowSummary s) {
            return ratio(s.distinctPaths(), s.requests());
        }
    },
    /** Share of answers that were 4xx or 5xx, among requests with a known status. */
    ERROR_RATIO("error ratio", 0.05) {
        @Override
        double of(WindowSummary s) {
            return ratio(s.errors(), s.withStatus());
        }
    },
    /** Share of requests to sensitive paths (unauthenticated, when so configured). */
    SENSITIVE_RATIO("sensitive-path ratio", 0.05) {
        @Override
        double of(WindowSummary s) {
            return ratio(s.sensitiveRequests(), s.requests());
        }
    },
    /** How often the user agent changes from one request to the next: rotating agents hide a bot. */
    AGENT_CHANGES("user-agent change ratio", 0.05) {
        @Override
        double of(WindowSummary s) {
            return ratio(s.agentChanges(), s.requests() - 1);
        }
    },
    /**
     * 1 / (1 + coefficient of variation of the gaps between requests): near 1 for a timer-driven
     * client, near 0.5 or lower for a person, whose requests come in bursts.
     */
    REGULARITY("regularity", 0.1) {
        @Override
        double of(WindowSummary s) {
            return s.requests() < 3 ? 0 : 1 / (1 + s.gapVariation());
        }
    };

    private final String label;
    private final double floor;

    Feature(String label, double floor) {
        this.label = label;
        this.floor = floor;
    }

    abstract double of(WindowSummary s);

    /** Human name, for a flag's reason. */
    public String label() {
        return label;
    }

    /** The smallest spread the model assumes for this feature. */
    public double floor() {
        return floor;
    }

    /** All features of one window, in {@link #values()} order. */
    public static double[] vector(WindowSummary s) {
        Feature[] all = values();
        double[] v = new double[all.length];
        for (int i = 0; i < all.length; i++) {
            v[i] = all[i].of(s);
        }
        return v;
    }

    private static double ratio(long part, long whole) {
        return whole <= 0 ? 0 : (double) part / whole;
    }
}
