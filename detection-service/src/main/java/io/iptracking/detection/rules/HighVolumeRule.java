package io.iptracking.detection.rules;

import io.iptracking.common.event.FlagRule;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.window.Kind;
import io.iptracking.detection.window.WindowSummary;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** HIGH_VOLUME: more than {@code maxRequests} requests in one window. */
final class HighVolumeRule implements Rule {

    private final DetectionProperties.HighVolume settings;

    HighVolumeRule(DetectionProperties.HighVolume settings) {
        this.settings = settings;
    }

    @Override
    public FlagRule id() {
        return FlagRule.HIGH_VOLUME;
    }

    @Override
    public Optional<Finding> evaluate(Observation o) {
        WindowSummary s = o.window();
        if (s.requests() <= settings.maxRequests()) {
            return Optional.empty();
        }
        String reason = String.format(Locale.ROOT, "%s sent %d requests within %s, more than the limit of %d per %s.",
                o.subject(), s.requests(), Durations.human(Duration.ofMillis(s.lastAt() - s.firstAt())), settings.maxRequests(),
                Durations.human(o.windowSize()));
        return Optional.of(new Finding(settings.severity(), (double) s.requests() / settings.maxRequests(), reason,
                Map.of("requests", (double) settings.maxRequests()), Kind.ANY));
    }
}
