package io.iptracking.detection.stream;

import io.iptracking.common.kafka.Topics;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.window.IpActivitySerde;
import java.time.Clock;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The detection topology: enriched requests, keyed by IP, through one stateful processor that holds
 * each IP's recent requests, to flags on the public topic.
 *
 * <pre>
 *   ip.requests.enriched.v1 ──► detect (store: ip-activity) ──► ip.flagged.v1
 * </pre>
 *
 * <p>The Processor API rather than {@code SlidingWindows} aggregations: a windowed aggregation emits
 * an update per window per record, and "once per IP, rule and cool-down" would need a second store
 * and a de-duplicating step after it. One processor with one store per IP holds the requests and the
 * cool-downs together, decides once per request, and writes both in the same transaction as the flag
 * (exactly_once_v2), so a restart or rebalance can neither lose nor repeat a flag. No repartition:
 * the input is already keyed by IP.
 */
public final class DetectionTopology {

    /** The per-IP activity store; the activity endpoint queries it. */
    public static final String ACTIVITY_STORE = "ip-activity";

    static final String SOURCE = "enriched-requests";
    static final String PROCESSOR = "detect";
    static final String SINK = "flags";

    private DetectionTopology() {
    }

    public static Topology build(DetectionProperties properties, Clock clock, DetectionListener listener) {
        Topology topology = new Topology();
        addTo(topology, properties, clock, listener);
        return topology;
    }

    /** Adds detection's nodes and store to {@code topology}. */
    public static void addTo(Topology topology, DetectionProperties properties, Clock clock, DetectionListener listener) {
        // Earliest: a new deployment reads the retained traffic, so its windows are full at once.
        topology.addSource(AutoOffsetReset.earliest(), SOURCE, new EdgeTimestamp(), Topics.ENRICHED_REQUESTS.keySerde().deserializer(),
                Topics.ENRICHED_REQUESTS.valueSerde().deserializer(), Topics.ENRICHED_REQUESTS.name());
        topology.addProcessor(PROCESSOR, () -> new DetectionProcessor(properties, clock, listener), SOURCE);
        // Persistent and logged: the store survives restarts locally and moves with its partition
        // through the changelog topic. The record cache only batches writes; flags do not wait on it.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ACTIVITY_STORE),
                Topics.ENRICHED_REQUESTS.keySerde(), new IpActivitySerde()).withCachingEnabled(), PROCESSOR);
        topology.addSink(SINK, Topics.FLAGGED.name(), Topics.FLAGGED.keySerde().serializer(),
                Topics.FLAGGED.valueSerde().serializer(), PROCESSOR);
    }
}
