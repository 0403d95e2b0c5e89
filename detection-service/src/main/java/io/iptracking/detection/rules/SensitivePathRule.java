package io.iptracking.detection.rules;

import io.iptracking.common.event.FlagRule;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.window.Kind;
import io.iptracking.detection.window.WindowSummary;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * SENSITIVE_PATH: at least {@code minCount} requests to sensitive paths in one window (unauthenticated
 * ones, when so configured). The reason quotes a few of the paths, each cut short.
 */
final class SensitivePathRule implements Rule {

    private final DetectionProperties.SensitivePath settings;

    SensitivePathRule(DetectionProperties.SensitivePath settings) {
        this.settings = settings;
    }

    @Override
    public FlagRule id() {
        return FlagRule.SENSITIVE_PATH;
    }

    @Override
    public Optional<Finding> evaluate(Observation o) {
        WindowSummary s = o.window();
        if (!o.counting().isSensitive(o.request()) || s.sensitiveRequests() < settings.minCount()) {
            return Optional.empty();
        }
        // A late request may not be among the latest sample paths: then it names itself.
        List<String> samples = o.samples().apply(Kind.SENSITIVE);
        String reason = String.format(Locale.ROOT, "%s requested sensitive paths %d time%s within %s%s (%s); %d trigger%s a flag.",
                o.subject(), s.sensitiveRequests(), s.sensitiveRequests() == 1 ? "" : "s", Durations.human(o.windowSize()),
                settings.ignoreAuthenticated() ? " without being authenticated" : "",
                Detector.inReason(samples.isEmpty() ? List.of(o.request().path()) : samples), settings.minCount(), settings.minCount() == 1 ? "s" : "");
        return Optional.of(new Finding(settings.severity(), (double) s.sensitiveRequests() / settings.minCount(), reason,
                Map.of("sensitiveRequests", (double) settings.minCount()), Kind.SENSITIVE));
    }
}
