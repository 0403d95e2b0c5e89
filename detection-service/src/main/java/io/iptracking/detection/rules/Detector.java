package io.iptracking.detection.rules;

import io.iptracking.common.event.Evidence;
import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.Severity;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.anomaly.AnomalyScore;
import io.iptracking.detection.anomaly.Feature;
import io.iptracking.detection.anomaly.PopulationModel;
import io.iptracking.detection.window.Counting;
import io.iptracking.detection.window.Hit;
import io.iptracking.detection.window.IpActivity;
import io.iptracking.detection.window.Measure;
import io.iptracking.detection.window.Peak;
import io.iptracking.detection.window.SlidingWindow;
import io.iptracking.detection.window.Span;
import io.iptracking.detection.window.WindowSummary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The rules: given one IP's activity and the request just added to it, which flags to emit now. Pure
 * logic over event time; the only processing time is {@code detectedAt}, passed in.
 *
 * <p>A rule fires when a window that contains the new request crosses its threshold, the new request
 * counts towards the rule's measure (it is the crossing request), and the rule is not in its
 * cool-down for this IP. Firing starts the cool-down. ANOMALY fires only for IPs that no other rule
 * is quiet for: it exists to catch what the rules miss.
 */
public final class Detector {

    private static final int SAMPLE_PATHS = 5;

    private final DetectionProperties.Rules rules;
    private final DetectionProperties.Anomaly anomaly;
    private final SlidingWindow window;
    private final Duration windowSize;
    private final long coolDownMs;
    private final Counting counting;
    private final SensitivePaths sensitivePaths;

    public Detector(DetectionProperties p) {
        this.rules = p.rules();
        this.anomaly = p.anomaly();
        this.windowSize = p.window().size();
        this.window = new SlidingWindow(windowSize.toMillis());
        this.coolDownMs = p.window().coolDown().toMillis();
        this.counting = new Counting(rules.authFailures().statuses(), rules.sensitivePath().ignoreAuthenticated());
        this.sensitivePaths = new SensitivePaths(rules.sensitivePath().paths());
    }

    public SlidingWindow window() {
        return window;
    }

    public Counting counting() {
        return counting;
    }

    /** Whether a request to {@code path} is to a sensitive path; decided once, when it arrives. */
    public boolean isSensitive(String path) {
        return rules.sensitivePath().enabled() && sensitivePaths.matches(path);
    }

    /**
     * The flags that request {@code k} of {@code activity} triggers, in rule order; records their
     * cool-downs in {@code activity}.
     */
    public List<FlaggedIp> onRequest(ClientIp ip, IpActivity activity, int k, PopulationModel model, Instant detectedAt) {
        Hit hit = activity.hit(k);
        long t = hit.at();
        List<FlaggedIp> flags = new ArrayList<>(1);
        Map<Measure, Peak> peaks = window.peaksAround(activity, k, counting);

        var hv = rules.highVolume();
        Peak requests = peaks.get(Measure.REQUESTS);
        if (hv.enabled() && requests.value() > hv.maxRequests() && ready(activity, FlagRule.HIGH_VOLUME, t)) {
            WindowSummary s = summary(activity, requests.span());
            flags.add(flag(ip, activity, FlagRule.HIGH_VOLUME, hv.severity(), (double) s.requests() / hv.maxRequests(), t,
                    requests.span(), s, String.format(Locale.ROOT, "%s sent %d requests within %s, more than the limit of %d per %s.",
                            ip, s.requests(), Durations.human(Duration.ofMillis(s.lastAt() - s.firstAt())), hv.maxRequests(),
                            Durations.human(windowSize)),
                    thresholds(Measure.REQUESTS.evidenceName(), hv.maxRequests()), h -> true, detectedAt));
        }

        var sp = rules.sensitivePath();
        Peak sensitive = peaks.get(Measure.SENSITIVE_REQUESTS);
        if (sp.enabled() && counting.isSensitive(hit) && sensitive.value() >= sp.minCount()
                && ready(activity, FlagRule.SENSITIVE_PATH, t)) {
            WindowSummary s = summary(activity, sensitive.span());
            List<String> samples = WindowSummary.samplePaths(activity, sensitive.span(), counting::isSensitive, SAMPLE_PATHS);
            flags.add(flag(ip, activity, FlagRule.SENSITIVE_PATH, sp.severity(), (double) s.sensitiveRequests() / sp.minCount(),
                    t, sensitive.span(), s, String.format(Locale.ROOT, "%s requested sensitive paths %d time%s within %s%s (%s); %d trigger%s a flag.",
                            ip, s.sensitiveRequests(), s.sensitiveRequests() == 1 ? "" : "s", Durations.human(windowSize),
                            sp.ignoreAuthenticated() ? " without being authenticated" : "", inReason(samples),
                            sp.minCount(), sp.minCount() == 1 ? "s" : ""),
                    thresholds(Measure.SENSITIVE_REQUESTS.evidenceName(), sp.minCount()), counting::isSensitive, detectedAt));
        }

        var af = rules.authFailures();
        Peak failures = peaks.get(Measure.AUTH_FAILURES);
        if (af.enabled() && counting.isAuthFailure(hit) && failures.value() >= af.minCount()
                && ready(activity, FlagRule.AUTH_FAILURES, t)) {
            WindowSummary s = summary(activity, failures.span());
            flags.add(flag(ip, activity, FlagRule.AUTH_FAILURES, af.severity(), (double) s.authFailures() / af.minCount(), t,
                    failures.span(), s, String.format(Locale.ROOT, "%s was refused authentication (%s) %d times within %s; %d trigger a flag.",
                            ip, af.statuses().stream().sorted().map(String::valueOf).collect(Collectors.joining("/")),
                            s.authFailures(), Durations.human(windowSize), af.minCount()),
                    thresholds(Measure.AUTH_FAILURES.evidenceName(), af.minCount()), counting::isAuthFailure, detectedAt));
        }

        var sc = rules.scanning();
        Peak notFound = peaks.get(Measure.NOT_FOUND);
        Peak distinct = peaks.get(Measure.DISTINCT_PATHS);
        boolean byNotFound = counting.isNotFound(hit) && notFound.value() >= sc.minNotFound();
        boolean byDistinct = distinct.value() >= sc.minDistinctPaths();
        if (sc.enabled() && (byNotFound || byDistinct) && ready(activity, FlagRule.SCANNING, t)) {
            Span span = byNotFound ? notFound.span() : distinct.span();
            WindowSummary s = summary(activity, span);
            double score = Math.max((double) s.notFound() / sc.minNotFound(), (double) s.distinctPaths() / sc.minDistinctPaths());
            String reason = byNotFound
                    ? String.format(Locale.ROOT, "%s received %d 'not found' (404) answers within %s, over %d distinct paths; %d trigger a flag.",
                            ip, s.notFound(), Durations.human(windowSize), s.distinctPaths(), sc.minNotFound())
                    : String.format(Locale.ROOT, "%s requested %d distinct paths within %s (%d of them answered 404); %d trigger a flag.",
                            ip, s.distinctPaths(), Durations.human(windowSize), s.notFound(), sc.minDistinctPaths());
            Map<String, Double> thresholds = new LinkedHashMap<>();
            thresholds.put(Measure.NOT_FOUND.evidenceName(), (double) sc.minNotFound());
            thresholds.put(Measure.DISTINCT_PATHS.evidenceName(), (double) sc.minDistinctPaths());
            thresholds.put("windowSeconds", (double) windowSize.toSeconds());
            flags.add(flag(ip, activity, FlagRule.SCANNING, sc.severity(), score, t, span, s, reason, thresholds,
                    byNotFound ? counting::isNotFound : h -> true, detectedAt));
        }

        if (anomaly.enabled() && flags.isEmpty() && model.population() >= anomaly.minPopulation()
                && ready(activity, FlagRule.ANOMALY, t) && !activity.isQuietForAnyBut(FlagRule.ANOMALY, t)) {
            Span span = window.endingAt(activity, activity.lastSeen());
            WindowSummary s = summary(activity, span);
            if (s.requests() >= anomaly.minRequests()) {
                AnomalyScore score = model.score(Feature.vector(s));
                if (score.score() >= anomaly.threshold()) {
                    Map<String, Double> thresholds = new LinkedHashMap<>();
                    thresholds.put("score", anomaly.threshold());
                    thresholds.put("minRequests", (double) anomaly.minRequests());
                    thresholds.put("windowSeconds", (double) windowSize.toSeconds());
                    thresholds.put("population", (double) model.population());
                    flags.add(flag(ip, activity, FlagRule.ANOMALY, anomaly.severity(), score.score(), t, span, s,
                            anomalyReason(ip, s, score), thresholds, counting::isError, detectedAt));
                }
            }
        }
        return flags;
    }

    /**
     * The features of the IP's current window, if it has enough requests to describe the population;
     * null otherwise.
     */
    public double[] populationSample(IpActivity activity) {
        WindowSummary s = summary(activity, window.endingAt(activity, activity.lastSeen()));
        return s.requests() < anomaly.minRequests() ? null : Feature.vector(s);
    }

    public int minPopulation() {
        return anomaly.minPopulation();
    }

    private boolean ready(IpActivity activity, FlagRule rule, long t) {
        return !activity.isQuiet(rule, t);
    }

    private WindowSummary summary(IpActivity a, Span span) {
        return WindowSummary.of(a, span, counting);
    }

    private Map<String, Double> thresholds(String name, double value) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(name, value);
        m.put("windowSeconds", (double) windowSize.toSeconds());
        return m;
    }

    private FlaggedIp flag(ClientIp ip, IpActivity a, FlagRule rule, Severity severity, double score, long t, Span span,
            WindowSummary s, String reason, Map<String, Double> thresholds, Predicate<Hit> samples, Instant detectedAt) {
        a.quiet(rule, Math.max(t, a.lastSeen()) + coolDownMs);
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(Measure.REQUESTS.evidenceName(), s.requests());
        counts.put(Measure.DISTINCT_PATHS.evidenceName(), s.distinctPaths());
        counts.put(Measure.SENSITIVE_REQUESTS.evidenceName(), s.sensitiveRequests());
        counts.put(Measure.AUTH_FAILURES.evidenceName(), s.authFailures());
        counts.put(Measure.NOT_FOUND.evidenceName(), s.notFound());
        counts.put("errors", s.errors());
        counts.put("userAgents", s.distinctAgents());
        List<String> paths = WindowSummary.samplePaths(a, span, samples, SAMPLE_PATHS);
        if (paths.isEmpty()) {
            paths = WindowSummary.samplePaths(a, span, h -> true, SAMPLE_PATHS);
        }
        // Derived from what was flagged, so a replay after a crash produces the same id and
        // consumers can drop the duplicate.
        UUID flagId = UUID.nameUUIDFromBytes((ip + "|" + rule + "|" + t).getBytes(StandardCharsets.UTF_8));
        return new FlaggedIp(flagId, ip, rule, reason, severity, round(score), Instant.ofEpochMilli(s.firstAt()),
                Instant.ofEpochMilli(s.lastAt()), s.requests(), new Evidence(counts, thresholds, paths, s.statusCounts()),
                a.geo(), detectedAt);
    }

    private String anomalyReason(ClientIp ip, WindowSummary s, AnomalyScore score) {
        String why = score.contributions().stream().limit(3)
                .map(c -> String.format(Locale.ROOT, "%s %.2f vs median %.2f", c.feature().label(), c.value(), c.median()))
                .collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "%s behaves unlike recent clients over %d requests in %s (anomaly score %.1f, flagged from %.1f): %s.",
                ip, s.requests(), Durations.human(windowSize), score.score(), anomaly.threshold(), why);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** The longest a sample path is quoted in a flag's reason; the evidence carries the paths whole. */
    static final int REASON_PATH_CHARS = 100;

    /**
     * Sample paths for a reason: each cut to {@link #REASON_PATH_CHARS} (never inside a surrogate pair),
     * so that a reason stays within {@code FlaggedIp.MAX_REASON} however long the paths a client chose.
     */
    static String inReason(List<String> samples) {
        StringBuilder out = new StringBuilder();
        for (String path : samples) {
            if (!out.isEmpty()) {
                out.append(", ");
            }
            if (path.length() <= REASON_PATH_CHARS) {
                out.append(path);
            } else {
                int end = Character.isHighSurrogate(path.charAt(REASON_PATH_CHARS - 1)) ? REASON_PATH_CHARS - 1 : REASON_PATH_CHARS;
                out.append(path, 0, end).append('\u2026');
            }
        }
        return out.toString();
    }
}
