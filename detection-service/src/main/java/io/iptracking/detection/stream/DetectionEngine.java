package io.iptracking.detection.stream;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.anomaly.PopulationModel;
import io.iptracking.detection.anomaly.PopulationSample;
import io.iptracking.detection.rules.Detector;
import io.iptracking.detection.window.ClientWindow;
import io.iptracking.detection.window.RequestFacts;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Detection for the clients of one partition, over a {@link ClientStore} and two {@link SmallStore}s
 * (the anomaly model's population sample, the erased clients):
 * what the topology's processor does, without Kafka, so that a labelled replay of a day of traffic runs
 * the same code in seconds.
 *
 * <p>Per request: drop it if it is later than the grace, count it in its client's window (the client
 * being its IPv4 address or IPv6 network), let the {@link Detector} decide, and now and then give the
 * client's window features to the anomaly model's population sample. Each request costs the same
 * whatever the client sent before: the window is of bounded size.
 *
 * <p>Periodically: refit the anomaly model on its population sample (a few thousand slots, not the
 * whole store) every maintenance interval of event time, and purge idle clients a step at a time every
 * {@link #PURGE_INTERVAL} of wall-clock time, so that no pass over the whole store stalls the stream
 * thread.
 */
public final class DetectionEngine {

    /** Slots of the population sample per partition: the model is fitted on at most this many clients. */
    static final int POPULATION_SLOTS = 4096;

    /** Clients looked at by one purge step. */
    static final int PURGE_STEP = 10_000;

    /** Time between two purge steps: a store of a million clients is gone through in under an hour. */
    public static final Duration PURGE_INTERVAL = Duration.ofSeconds(30);

    private final Detector detector;
    private final Clock clock;
    private final DetectionListener listener;
    private final ClientStore clients;
    // Slot → the latest window features of a client that hashes to it.
    private final SmallStore<Integer, PopulationSample> population;
    // Erased client → the instant (epoch ms) up to which its requests are the erased ones.
    private final SmallStore<Cidr, Long> erased;
    private final long graceMs;
    private final long retainMs;
    private final long bucketMs;
    private final int windowBuckets;
    private final int ipv4Prefix;
    private final int ipv6Prefix;
    private final long populationHorizonMs;
    private final long sampleEveryMs;
    private PopulationModel model = PopulationModel.EMPTY;
    private Cidr purgedTo;

    public DetectionEngine(DetectionProperties p, Clock clock, DetectionListener listener, ClientStore clients,
            SmallStore<Integer, PopulationSample> population, SmallStore<Cidr, Long> erased) {
        this.detector = new Detector(p);
        this.clock = clock;
        this.listener = listener;
        this.clients = clients;
        this.population = population;
        this.erased = erased;
        this.graceMs = p.window().grace().toMillis();
        // A request that arrives within the grace can still share a window with requests one window
        // length before it.
        this.retainMs = p.window().size().toMillis() + graceMs;
        this.bucketMs = p.window().bucket().toMillis();
        this.windowBuckets = p.window().buckets();
        this.ipv4Prefix = p.network().ipv4Prefix();
        this.ipv6Prefix = p.network().ipv6Prefix();
        this.populationHorizonMs = p.anomaly().populationHorizon().toMillis();
        this.sampleEveryMs = p.window().maintenanceInterval().toMillis();
    }

    /**
     * Handles one request with event time {@code t}; {@code streamTime} is the latest event time seen
     * on the partition (at least {@code t}'s predecessor's). Returns the flags to emit now.
     */
    public List<FlaggedIp> onRequest(EnrichedRequestEvent event, long t, long streamTime) {
        if (t < streamTime - graceMs) {
            listener.droppedLate();
            return List.of();
        }
        RequestEvent r = event.request();
        Cidr client = ClientNetwork.of(r.ip(), ipv4Prefix, ipv6Prefix);
        if (!erased.isEmpty() && erased.get(client) instanceof Long upTo && t <= upTo) {
            listener.droppedErased();
            return List.of();
        }
        ClientWindow window = clients.get(client);
        if (window == null || window.bucketMs() != bucketMs) {
            // New, or counted in buckets of another width before a configuration change: start afresh
            // (its cool-downs too: the client may be flagged once more).
            window = new ClientWindow(bucketMs, detector.pathCapacity());
        } else if (window.pathCapacity() < detector.pathCapacity()) {
            window.growPathCapacity(detector.pathCapacity());
        }
        RequestFacts request = new RequestFacts(t, r.status() == null ? 0 : r.status(), r.path(), r.userAgent(),
                r.subject() != null, detector.isSensitive(r.path()), r.decision().refused());
        window.add(request, detector.counting(), event.geo(), streamTime - retainMs, windowBuckets);
        List<FlaggedIp> flags = detector.onRequest(client, r.ip(), window, request, model, clock.instant());
        sample(client, window, t);
        clients.put(client, window);
        flags.forEach(f -> listener.flagged(f.rule()));
        return flags;
    }

    /**
     * Deletes what detection holds about {@code ip}: its client's window (the IPv4 address, or the IPv6
     * network it belongs to), with its counts, sample paths, geo and cool-downs, and the client's slot
     * in the population sample. The store writes a tombstone to its changelog. Requests of the client
     * dated up to {@code upTo} (epoch milliseconds: when the erasure was made) that arrive later are
     * dropped, until they would be late anyway; a request dated after starts a new window, and the
     * client may be flagged again.
     */
    public void erase(ClientIp ip, long upTo) {
        Cidr client = ClientNetwork.of(ip, ipv4Prefix, ipv6Prefix);
        boolean held = clients.get(client) != null;
        clients.delete(client);
        population.delete(slot(client));
        if (!(erased.get(client) instanceof Long before && before >= upTo)) {
            erased.put(client, upTo);
        }
        listener.erased(held);
    }

    /**
     * At most once per maintenance interval per client: its window's features into its population slot.
     * A client a rule has flagged (in a cool-down) is left out: what the model learns as normal should
     * not include what the rules already call abuse.
     */
    private void sample(Cidr client, ClientWindow window, long t) {
        if (window.sampledAt() != Long.MIN_VALUE && t - window.sampledAt() < sampleEveryMs
                || window.isQuietForAnyBut(null, t)) {
            return;
        }
        double[] features = detector.populationSample(window.summary(windowBuckets));
        if (features != null) {
            population.put(slot(client), new PopulationSample(features, t));
            window.sampledAt(t);
        }
    }

    /** The client's population slot: the same on every instance and after a restart. */
    static int slot(Cidr client) {
        long h = client.network().high() * 0x9E3779B97F4A7C15L ^ client.network().low() * 0xC2B2AE3D27D4EB4FL
                ^ client.prefixLength();
        h ^= h >>> 33;
        return (int) Long.remainderUnsigned(h, POPULATION_SLOTS);
    }

    /** Refits the anomaly model on the samples of the population horizon and drops older ones; {@code streamTime} is event time. */
    public void maintain(long streamTime) {
        List<Integer> stale = new ArrayList<>();
        List<double[]> samples = new ArrayList<>();
        population.forEach((slot, s) -> {
            if (s.at() < streamTime - populationHorizonMs) {
                stale.add(slot);
            } else {
                samples.add(s.features());
            }
        });
        stale.forEach(population::delete);
        fit(samples);
    }

    /**
     * Deletes idle clients (no request within the window and grace, no rule in its cool-down) among the
     * next step of the store, continuing where the previous step stopped. A step is {@link #PURGE_STEP}
     * clients, or a sixtieth of the store when that is more, so that a pass over the whole store takes
     * at most half an hour however fast new clients come (each step then costs more).
     */
    public void purge(long streamTime) {
        long retainFrom = streamTime - retainMs;
        List<Cidr> idle = new ArrayList<>();
        int step = (int) Math.min(Integer.MAX_VALUE, Math.max(PURGE_STEP, clients.approximateSize() / 60));
        purgedTo = clients.scan(purgedTo, step, (client, window) -> {
            if (window == null || window.isIdle(retainFrom, streamTime)) {
                idle.add(client);
            }
        });
        idle.forEach(clients::delete);
        // An erased client's old requests are late now: the grace rule drops them.
        List<Cidr> done = new ArrayList<>();
        erased.forEach((client, upTo) -> {
            if (upTo < streamTime - graceMs) {
                done.add(client);
            }
        });
        done.forEach(erased::delete);
    }

    /** Fits the model on what the population store holds, as after a restart or when a task is assigned. */
    public void refit() {
        List<double[]> samples = new ArrayList<>();
        population.forEach((slot, s) -> samples.add(s.features()));
        fit(samples);
    }

    public PopulationModel model() {
        return model;
    }

    public Detector detector() {
        return detector;
    }

    private void fit(List<double[]> samples) {
        model = samples.size() >= detector.minPopulation() ? PopulationModel.fit(samples) : PopulationModel.EMPTY;
        listener.modelFitted(model.population());
    }
}
