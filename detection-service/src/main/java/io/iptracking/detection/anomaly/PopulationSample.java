package io.iptracking.detection.anomaly;

/**
 * One client's window features, as given to the anomaly model's population.
 *
 * @param features in {@link Feature#values()} order
 * @param at event time the window ended
 */
public record PopulationSample(double[] features, long at) {

    public PopulationSample {
        features = features.clone();
    }

    @Override
    public double[] features() {
        return features.clone();
    }
}
