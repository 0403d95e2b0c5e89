package io.iptracking.detection.anomaly;

import java.util.List;

/**
 * How unusual one IP's window is compared with the population, and why.
 *
 * @param score the Euclidean length of the one-sided robust z-scores; 0 for an ordinary client
 * @param contributions the features above the population median, largest z first
 */
public record AnomalyScore(double score, List<Contribution> contributions) {

    public AnomalyScore {
        contributions = List.copyOf(contributions);
    }

    /**
     * @param value the IP's value of the feature
     * @param median the population's median
     * @param z the one-sided robust z-score, capped
     */
    public record Contribution(Feature feature, double value, double median, double z) {
    }
}
