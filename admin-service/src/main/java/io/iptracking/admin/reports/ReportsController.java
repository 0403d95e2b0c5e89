package io.iptracking.admin.reports;

import io.iptracking.admin.web.Params;
import io.iptracking.admin.web.InvalidFieldException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/reports/*}. Every report takes {@code from} and {@code to} (ISO-8601 instants,
 * {@code to} exclusive); the default is the last 24 hours. Ranges longer than 400 days are refused.
 */
@RestController
@RequestMapping("/api/v1/reports")
class ReportsController {

    private static final Duration DEFAULT_RANGE = Duration.ofHours(24);
    private static final Duration MAX_RANGE = Duration.ofDays(400);
    private static final int MAX_LIMIT = 1000;
    private static final Duration MINUTE_DEFAULT_UP_TO = Duration.ofHours(6);
    private static final Duration MINUTE_UP_TO = Duration.ofHours(24);

    private final Reports reports;
    private final Clock clock;

    ReportsController(Reports reports, Clock clock) {
        this.reports = reports;
        this.clock = clock;
    }

    @GetMapping("/summary")
    Reports.Summary summary(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        Range r = range(from, to);
        return reports.summary(r.from, r.to);
    }

    @GetMapping("/top-clients")
    List<Reports.ClientCount> topClients(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "10") int limit) {
        Range r = range(from, to);
        return reports.topClients(r.from, r.to, limit(limit));
    }

    @GetMapping("/top-countries")
    List<Reports.CountryCount> topCountries(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "10") int limit) {
        Range r = range(from, to);
        return reports.topCountries(r.from, r.to, limit(limit));
    }

    @GetMapping("/traffic")
    List<Reports.HourCount> traffic(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        Range r = range(from, to);
        return reports.traffic(r.from, r.to);
    }

    /**
     * Traffic per minute or hour. {@code step} defaults to minute for a range of 6 hours or less, else
     * hour; per minute, the range may be 24 hours at most.
     */
    @GetMapping("/timeline")
    List<Reports.TrafficStep> timeline(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String step) {
        Range r = range(from, to);
        return reports.timeline(r.from, r.to, step(step, r));
    }

    /** Flags per minute or hour, by rule; {@code step} as for the timeline. */
    @GetMapping("/flag-timeline")
    List<Reports.FlagStep> flagTimeline(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String step) {
        Range r = range(from, to);
        return reports.flagTimeline(r.from, r.to, step(step, r));
    }

    @GetMapping("/top-networks")
    List<Reports.NetworkCount> topNetworks(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "10") int limit) {
        Range r = range(from, to);
        return reports.topNetworks(r.from, r.to, limit(limit));
    }

    @GetMapping("/sensitive-paths")
    List<Reports.PathCount> sensitivePaths(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(defaultValue = "20") int limit) {
        Range r = range(from, to);
        return reports.sensitivePaths(r.from, r.to, limit(limit));
    }

    private record Range(Instant from, Instant to) {
    }

    private Range range(String fromText, String toText) {
        Instant to = Params.instant("to", toText);
        Instant from = Params.instant("from", fromText);
        if (to == null) {
            to = clock.instant();
        }
        if (from == null) {
            from = to.minus(DEFAULT_RANGE);
        }
        if (!from.isBefore(to)) {
            throw new InvalidFieldException("to", "must be after from");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw new InvalidFieldException("from", "the range is longer than 400 days");
        }
        return new Range(from, to);
    }

    /** Per minute for a range of at most 24 hours (1,440 steps); per hour for any range (at most 9,600). */
    private static Reports.Step step(String text, Range r) {
        Duration length = Duration.between(r.from, r.to);
        Reports.Step step = text == null ? (length.compareTo(MINUTE_DEFAULT_UP_TO) <= 0 ? Reports.Step.MINUTE : Reports.Step.HOUR)
                : Params.enumValue("step", text, Reports.Step.class);
        if (step == Reports.Step.MINUTE && length.compareTo(MINUTE_UP_TO) > 0) {
            throw new InvalidFieldException("step", "minute is for a range of 24 hours at most; use hour");
        }
        return step;
    }

    private static int limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidFieldException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }
}
