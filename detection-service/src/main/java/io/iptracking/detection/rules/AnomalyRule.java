package io.iptracking.detection.rules;

import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.anomaly.AnomalyScore;
import io.iptracking.detection.anomaly.Feature;
import io.iptracking.detection.anomaly.PopulationModel;
import io.iptracking.detection.window.Kind;
import io.iptracking.detection.window.WindowSummary;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * ANOMALY: the robust z-score of a client's window features against the recently active population
 * ({@link PopulationModel}) reaches the threshold. The {@link Detector} asks it only for clients no
 * other rule flagged or is quiet for: it exists to catch what the rules miss.
 */
final class AnomalyRule {

    private final DetectionProperties.Anomaly settings;

    AnomalyRule(DetectionProperties.Anomaly settings) {
        this.settings = settings;
    }

    Optional<Finding> evaluate(Rule.Observation o, PopulationModel model) {
        WindowSummary s = o.window();
        if (model.population() < settings.minPopulation() || s.requests() < settings.minRequests()) {
            return Optional.empty();
        }
        AnomalyScore score = model.score(Feature.vector(s));
        if (score.score() < settings.threshold()) {
            return Optional.empty();
        }
        Map<String, Double> thresholds = new LinkedHashMap<>();
        thresholds.put("score", settings.threshold());
        thresholds.put("minRequests", (double) settings.minRequests());
        thresholds.put("population", (double) model.population());
        String why = score.contributions().stream().limit(3)
                .map(c -> String.format(Locale.ROOT, "%s %.2f vs median %.2f", c.feature().label(), c.value(), c.median()))
                .collect(Collectors.joining(", "));
        String reason = String.format(Locale.ROOT,
                "%s behaves unlike recent clients over %d requests in %s (anomaly score %.1f, flagged from %.1f): %s.",
                o.subject(), s.requests(), Durations.human(o.windowSize()), score.score(), settings.threshold(), why);
        return Optional.of(new Finding(settings.severity(), score.score(), reason, thresholds, Kind.ERROR));
    }

    /** The features of a window that has enough requests to describe the population; null otherwise. */
    double[] populationSample(WindowSummary s) {
        return s.requests() < settings.minRequests() ? null : Feature.vector(s);
    }

    int minPopulation() {
        return settings.minPopulation();
    }
}
