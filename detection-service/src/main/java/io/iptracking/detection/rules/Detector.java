package io.iptracking.detection.rules;

import io.iptracking.common.event.Evidence;
import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.text.SafeText;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.anomaly.PopulationModel;
import io.iptracking.detection.window.ClientWindow;
import io.iptracking.detection.window.Counting;
import io.iptracking.detection.window.Kind;
import io.iptracking.detection.window.RequestFacts;
import io.iptracking.detection.window.WindowSummary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The rules together: given one client's window and the request just counted in it, which flags to
 * emit now. Each {@link Rule} says whether it fires; the detector skips rules in their cool-down for
 * the client, starts the cool-down of a rule that fires, and builds the flag with its evidence. Pure
 * logic over event time; the only processing time is {@code detectedAt}, passed in.
 */
public final class Detector {

    /** Sample paths a flag's evidence quotes. */
    static final int SAMPLE_PATHS = 5;

    private final List<Rule> rules = new ArrayList<>();
    private final AnomalyRule anomaly;
    private final Duration windowSize;
    private final int windowBuckets;
    private final long coolDownMs;
    private final Counting counting;
    private final SensitivePaths sensitivePaths;
    private final boolean sensitivePathsCount;
    private final int pathCapacity;

    public Detector(DetectionProperties p) {
        DetectionProperties.Rules r = p.rules();
        if (r.highVolume().enabled()) {
            rules.add(new HighVolumeRule(r.highVolume()));
        }
        if (r.sensitivePath().enabled()) {
            rules.add(new SensitivePathRule(r.sensitivePath()));
        }
        if (r.authFailures().enabled()) {
            rules.add(new AuthFailuresRule(r.authFailures()));
        }
        if (r.scanning().enabled()) {
            rules.add(new ScanningRule(r.scanning()));
        }
        this.anomaly = p.anomaly().enabled() ? new AnomalyRule(p.anomaly()) : null;
        this.windowSize = p.window().size();
        this.windowBuckets = p.window().buckets();
        this.coolDownMs = p.window().coolDown().toMillis();
        this.counting = new Counting(r.authFailures().statuses(), r.sensitivePath().ignoreAuthenticated());
        this.sensitivePaths = new SensitivePaths(r.sensitivePath().paths());
        this.sensitivePathsCount = r.sensitivePath().enabled();
        this.pathCapacity = r.scanning().minDistinctPaths();
    }

    public Counting counting() {
        return counting;
    }

    /** Buckets in one window. */
    public int windowBuckets() {
        return windowBuckets;
    }

    /** Distinct paths a client's window must be able to count: at least the scanning threshold. */
    public int pathCapacity() {
        return pathCapacity;
    }

    /** Whether a request to {@code path} is to a sensitive path; decided once, when it arrives. */
    public boolean isSensitive(String path) {
        return sensitivePathsCount && sensitivePaths.matches(path);
    }

    /**
     * The flags that {@code request}, just counted in {@code window}, triggers, in rule order; records
     * their cool-downs in {@code window}.
     *
     * @param network the client the window counts
     * @param ip the address that sent the request
     */
    public List<FlaggedIp> onRequest(Cidr network, ClientIp ip, ClientWindow window, RequestFacts request,
            PopulationModel model, Instant detectedAt) {
        long t = request.at();
        WindowSummary s = window.summary(windowBuckets);
        long from = window.windowStart(windowBuckets);
        Rule.Observation o = new Rule.Observation(network, ip, request, s, windowSize, counting,
                kind -> window.samplePaths(kind, from, SAMPLE_PATHS));
        List<FlaggedIp> flags = new ArrayList<>(1);
        for (Rule rule : rules) {
            if (!window.isQuiet(rule.id(), t)) {
                rule.evaluate(o).ifPresent(f -> flags.add(flag(network, ip, window, rule.id(), f, s, from, detectedAt, t)));
            }
        }
        if (anomaly != null && flags.isEmpty() && !window.isQuiet(FlagRule.ANOMALY, t)
                && !window.isQuietForAnyBut(FlagRule.ANOMALY, t)) {
            anomaly.evaluate(o, model).ifPresent(f -> flags.add(flag(network, ip, window, FlagRule.ANOMALY, f, s, from, detectedAt, t)));
        }
        return flags;
    }

    /** The window's features for the anomaly model's population, or null (too few requests, or no anomaly rule). */
    public double[] populationSample(WindowSummary s) {
        return anomaly == null ? null : anomaly.populationSample(s);
    }

    public int minPopulation() {
        return anomaly == null ? Integer.MAX_VALUE : anomaly.minPopulation();
    }

    private FlaggedIp flag(Cidr network, ClientIp ip, ClientWindow w, FlagRule rule, Finding f, WindowSummary s, long from,
            Instant detectedAt, long t) {
        w.quiet(rule, Math.max(t, w.lastSeen()) + coolDownMs);
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("requests", s.requests());
        counts.put("distinctPaths", s.distinctPaths());
        counts.put("sensitiveRequests", s.sensitiveRequests());
        counts.put("authFailures", s.authFailures());
        counts.put("notFound", s.notFound());
        counts.put("errors", s.errors());
        counts.put("userAgents", s.distinctAgents());
        Map<String, Double> thresholds = new LinkedHashMap<>(f.thresholds());
        thresholds.put("windowSeconds", (double) windowSize.toSeconds());
        List<String> paths = w.samplePaths(f.samples(), from, SAMPLE_PATHS);
        if (paths.isEmpty()) {
            paths = w.samplePaths(Kind.ANY, from, SAMPLE_PATHS);
        }
        // Derived from what was flagged, so a replay after a crash produces the same id and
        // consumers can drop the duplicate.
        UUID flagId = UUID.nameUUIDFromBytes((network + "|" + rule + "|" + t).getBytes(StandardCharsets.UTF_8));
        return new FlaggedIp(flagId, ip, rule, f.reason(), f.severity(), round(f.score()), Instant.ofEpochMilli(s.firstAt()),
                Instant.ofEpochMilli(s.lastAt()), s.requests(), new Evidence(counts, thresholds, paths, w.statusCounts(windowBuckets)),
                w.geo(), detectedAt, network.isSingleAddress() ? null : network);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** The longest a sample path is quoted in a flag's reason; the evidence carries the paths as kept. */
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
            out.append(SafeText.cap(path, REASON_PATH_CHARS));
            if (path.length() > REASON_PATH_CHARS) {
                out.append('\u2026');
            }
        }
        return out.toString();
    }
}
