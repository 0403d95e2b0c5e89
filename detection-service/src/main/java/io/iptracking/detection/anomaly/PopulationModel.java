package io.iptracking.detection.anomaly;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * What recent clients look like, as robust statistics per {@link Feature}: the median, and the
 * median absolute deviation scaled by 1.4826 (so that it estimates the standard deviation of normally
 * distributed data), never below the feature's floor. Medians ignore up to half of the population
 * being abusive, which a mean and standard deviation do not: a scanner cannot drag the model
 * towards itself.
 *
 * <p>The score of a window is the Euclidean length of its one-sided robust z-scores
 * ({@code max(0, (x - median) / scale)}, each capped at {@link #Z_CAP}): a client far out on one
 * feature, or moderately out on several, scores high.
 *
 * @param population how many IP windows the model was fitted on
 */
public record PopulationModel(int population, double[] medians, double[] scales) {

    /** One feature alone cannot add more than this to the score, so one freak ratio does not dominate. */
    public static final double Z_CAP = 10;

    private static final double MAD_TO_SIGMA = 1.4826;

    /** No population yet: scores nothing. */
    public static final PopulationModel EMPTY = new PopulationModel(0, new double[0], new double[0]);

    /** Fits the model on one feature vector per recently active IP. */
    public static PopulationModel fit(List<double[]> vectors) {
        if (vectors.isEmpty()) {
            return EMPTY;
        }
        Feature[] features = Feature.values();
        double[] medians = new double[features.length];
        double[] scales = new double[features.length];
        double[] column = new double[vectors.size()];
        for (int f = 0; f < features.length; f++) {
            for (int i = 0; i < column.length; i++) {
                column[i] = vectors.get(i)[f];
            }
            double median = median(column);
            for (int i = 0; i < column.length; i++) {
                column[i] = Math.abs(column[i] - median);
            }
            medians[f] = median;
            scales[f] = Math.max(MAD_TO_SIGMA * median(column), features[f].floor());
        }
        return new PopulationModel(vectors.size(), medians, scales);
    }

    /** The score of one window's features, with each feature's contribution. */
    public AnomalyScore score(double[] features) {
        if (population == 0) {
            return new AnomalyScore(0, List.of());
        }
        Feature[] all = Feature.values();
        List<AnomalyScore.Contribution> parts = new ArrayList<>();
        double sum = 0;
        for (int f = 0; f < all.length; f++) {
            double z = Math.min(Z_CAP, Math.max(0, (features[f] - medians[f]) / scales[f]));
            sum += z * z;
            if (z > 0) {
                parts.add(new AnomalyScore.Contribution(all[f], features[f], medians[f], z));
            }
        }
        parts.sort(Comparator.comparingDouble(AnomalyScore.Contribution::z).reversed());
        return new AnomalyScore(Math.sqrt(sum), parts);
    }

    // Sorts a copy: the caller's array is reused between features.
    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
