package io.iptracking.detection.stream;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.anomaly.PopulationModel;
import io.iptracking.detection.rules.Detector;
import io.iptracking.detection.window.IpActivity;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Detection for the IPs of one partition, over an {@link ActivityStore}: what the topology's processor
 * does, without Kafka, so that a labelled replay of a day of traffic runs the same code in seconds.
 *
 * <p>Per request: drop it if it is later than the grace, add it to its IP's activity, let the
 * {@link Detector} decide. Periodically, in event time: take each active IP's window features as its
 * population sample, forget requests that left every window, drop idle IPs, and refit the anomaly
 * model on the samples of the population horizon.
 */
public final class DetectionEngine {

    private final Detector detector;
    private final Clock clock;
    private final DetectionListener listener;
    private final ActivityStore store;
    private final long graceMs;
    private final long retainMs;
    private final int maxRequestsPerIp;
    private final long populationHorizonMs;
    private PopulationModel model = PopulationModel.EMPTY;

    public DetectionEngine(DetectionProperties p, Clock clock, DetectionListener listener, ActivityStore store) {
        this.detector = new Detector(p);
        this.clock = clock;
        this.listener = listener;
        this.store = store;
        this.graceMs = p.window().grace().toMillis();
        // A request that arrives within the grace can still share a window with requests one window
        // length before it.
        this.retainMs = p.window().size().toMillis() + graceMs;
        this.maxRequestsPerIp = p.window().maxRequestsPerIp();
        this.populationHorizonMs = p.anomaly().populationHorizon().toMillis();
    }

    /**
     * Handles one request with event time {@code t}; {@code streamTime} is the latest event time seen
     * on the partition (at least {@code t}'s predecessor's). Returns the flags to emit now.
     */
    public List<FlaggedIp> onRequest(ClientIp ip, EnrichedRequestEvent event, long t, long streamTime) {
        if (t < streamTime - graceMs) {
            listener.droppedLate();
            return List.of();
        }
        RequestEvent r = event.request();
        IpActivity activity = store.get(ip);
        if (activity == null) {
            activity = new IpActivity();
        }
        activity.forgetBefore(streamTime - retainMs);
        int k = activity.add(t, r.status() == null ? 0 : r.status(), r.path(), r.userAgent(), r.subject() != null,
                detector.isSensitive(r.path()), r.decision().refused(),
                event.geo());
        if (activity.size() > maxRequestsPerIp) {
            k -= activity.keepAtMost(maxRequestsPerIp);
            if (k < 0) {
                // The request was itself the oldest: forgotten at once, it decides nothing.
                store.put(ip, activity);
                return List.of();
            }
        }
        List<FlaggedIp> flags = detector.onRequest(ip, activity, k, model, clock.instant());
        store.put(ip, activity);
        flags.forEach(f -> listener.flagged(f.rule()));
        return flags;
    }

    /**
     * Samples the population, purges what left every window, and refits the anomaly model;
     * {@code streamTime} is event time.
     */
    public void maintain(long streamTime) {
        long horizon = streamTime - retainMs;
        List<Map.Entry<ClientIp, IpActivity>> changed = new ArrayList<>();
        List<ClientIp> idle = new ArrayList<>();
        List<double[]> population = new ArrayList<>();
        store.forEach((ip, a) -> {
            boolean change = false;
            double[] current = detector.populationSample(a);
            if (current != null) {
                a.sample(current, a.lastSeen());
                change = true;
            }
            int cooling = a.quietUntil().size();
            change |= a.forgetBefore(horizon) > 0;
            a.forgetCoolDownsEndedBy(streamTime);
            change |= a.forgetSampleBefore(streamTime - populationHorizonMs);
            if (a.isEmpty()) {
                idle.add(ip);
                return;
            }
            if (change || a.quietUntil().size() != cooling) {
                changed.add(Map.entry(ip, a));
            }
            double[] sample = a.sample();
            if (sample != null) {
                population.add(sample);
            }
        });
        idle.forEach(store::delete);
        changed.forEach(e -> store.put(e.getKey(), e.getValue()));
        fit(population);
    }

    /** Refits the model on what the store holds, as after a restart or when a task is assigned. */
    public void refit() {
        List<double[]> population = new ArrayList<>();
        store.forEach((ip, a) -> {
            double[] sample = a.sample();
            if (sample != null) {
                population.add(sample);
            }
        });
        fit(population);
    }

    public PopulationModel model() {
        return model;
    }

    private void fit(List<double[]> population) {
        model = population.size() >= detector.minPopulation() ? PopulationModel.fit(population) : PopulationModel.EMPTY;
        listener.modelFitted(model.population());
    }
}
