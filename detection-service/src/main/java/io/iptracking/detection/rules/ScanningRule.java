package io.iptracking.detection.rules;

import io.iptracking.common.event.FlagRule;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.window.Kind;
import io.iptracking.detection.window.WindowSummary;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * SCANNING: at least {@code minNotFound} 404 answers (the new request being one), or at least
 * {@code minDistinctPaths} distinct paths, in one window.
 */
final class ScanningRule implements Rule {

    private final DetectionProperties.Scanning settings;

    ScanningRule(DetectionProperties.Scanning settings) {
        this.settings = settings;
    }

    @Override
    public FlagRule id() {
        return FlagRule.SCANNING;
    }

    @Override
    public Optional<Finding> evaluate(Observation o) {
        WindowSummary s = o.window();
        boolean byNotFound = o.counting().isNotFound(o.request()) && s.notFound() >= settings.minNotFound();
        boolean byDistinct = s.distinctPaths() >= settings.minDistinctPaths();
        if (!byNotFound && !byDistinct) {
            return Optional.empty();
        }
        double score = Math.max((double) s.notFound() / settings.minNotFound(), (double) s.distinctPaths() / settings.minDistinctPaths());
        String reason = byNotFound
                ? String.format(Locale.ROOT, "%s received %d 'not found' (404) answers within %s, over %d distinct paths; %d trigger a flag.",
                        o.subject(), s.notFound(), Durations.human(o.windowSize()), s.distinctPaths(), settings.minNotFound())
                : String.format(Locale.ROOT, "%s requested %d distinct paths within %s (%d of them answered 404); %d trigger a flag.",
                        o.subject(), s.distinctPaths(), Durations.human(o.windowSize()), s.notFound(), settings.minDistinctPaths());
        Map<String, Double> thresholds = new LinkedHashMap<>();
        thresholds.put("notFound", (double) settings.minNotFound());
        thresholds.put("distinctPaths", (double) settings.minDistinctPaths());
        return Optional.of(new Finding(settings.severity(), score, reason, thresholds, byNotFound ? Kind.NOT_FOUND : Kind.ANY));
    }
}
