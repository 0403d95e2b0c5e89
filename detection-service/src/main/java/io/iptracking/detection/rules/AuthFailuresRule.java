package io.iptracking.detection.rules;

import io.iptracking.common.event.FlagRule;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.window.Kind;
import io.iptracking.detection.window.WindowSummary;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** AUTH_FAILURES: at least {@code minCount} answers with one of the failure statuses in one window. */
final class AuthFailuresRule implements Rule {

    private final DetectionProperties.AuthFailures settings;

    AuthFailuresRule(DetectionProperties.AuthFailures settings) {
        this.settings = settings;
    }

    @Override
    public FlagRule id() {
        return FlagRule.AUTH_FAILURES;
    }

    @Override
    public Optional<Finding> evaluate(Observation o) {
        WindowSummary s = o.window();
        if (!o.counting().isAuthFailure(o.request()) || s.authFailures() < settings.minCount()) {
            return Optional.empty();
        }
        String reason = String.format(Locale.ROOT, "%s was refused authentication (%s) %d times within %s; %d trigger a flag.",
                o.subject(), settings.statuses().stream().sorted().map(String::valueOf).collect(Collectors.joining("/")),
                s.authFailures(), Durations.human(o.windowSize()), settings.minCount());
        return Optional.of(new Finding(settings.severity(), (double) s.authFailures() / settings.minCount(), reason,
                Map.of("authFailures", (double) settings.minCount()), Kind.AUTH_FAILURE));
    }
}
