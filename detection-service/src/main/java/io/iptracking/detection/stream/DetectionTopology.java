package io.iptracking.detection.stream;

import io.iptracking.common.kafka.CidrSerde;
import io.iptracking.common.kafka.Topics;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.anomaly.PopulationSampleSerde;
import io.iptracking.detection.window.ClientWindowSerde;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The detection topology: enriched requests through one stateful processor that holds each client's
 * window, to flags on the public topic.
 *
 * <pre>
 *   ip.requests.enriched.v1 ──► detect (stores: client-windows, anomaly-population, ──► ip.flagged.v1
 *   ip.erasures.v1 ───────────┘                 erased-clients)
 * </pre>
 *
 * <p>The Processor API rather than {@code SlidingWindows} aggregations: a windowed aggregation emits
 * an update per window per record, and "once per client, rule and cool-down" would need a second store
 * and a de-duplicating step after it. One processor with one store per client holds the counts and
 * the cool-downs together, decides once per request, and writes both in the same transaction as the
 * flag (exactly_once_v2), so a restart or rebalance can neither lose nor repeat a flag. No repartition:
 * request events are keyed by client network (IPv4 address, IPv6 /64), which holds every client
 * detection counts (an IPv4 address, an IPv6 network of /64 or narrower).
 *
 * <p>Erasures come in through the same processor, from a topic keyed and partitioned like the requests,
 * so that the task holding a client's window is the one that deletes it (and the processor's cache of
 * recent windows forgets it too). Each is dated a day before it was made ({@link #ERASURE_LEAD}):
 * Kafka Streams then takes it ahead of the requests it has buffered, and it never moves stream time
 * forward, which a record dated after a backlog's requests would (every request of the backlog
 * would then be dropped as late). The client's requests dated before the erasure that come after it
 * are dropped ({@code erased-clients}), so the erasure is not undone by what was still on its way.
 */
public final class DetectionTopology {

    /** The per-client window store; the activity endpoint queries it. */
    public static final String CLIENT_STORE = "client-windows";

    /** The anomaly model's population sample, a few thousand slots per partition. */
    public static final String POPULATION_STORE = "anomaly-population";

    /** The erased clients of the last grace period, with the instant up to which their requests are erased. */
    public static final String ERASED_STORE = "erased-clients";

    /** How much earlier than it was made an erasure is dated, for the order in which it is read. */
    static final Duration ERASURE_LEAD = Duration.ofDays(1);

    static final String SOURCE = "enriched-requests";
    static final String ERASURES = "erasures";
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
        topology.addSource(AutoOffsetReset.earliest(), SOURCE, new EdgeTimestamp(clock), Topics.ENRICHED_REQUESTS.keySerde().deserializer(),
                Topics.ENRICHED_REQUESTS.valueSerde().deserializer(), Topics.ENRICHED_REQUESTS.name());
        topology.addSource(AutoOffsetReset.earliest(), ERASURES,
                (record, partitionTime) -> Math.max(0, record.timestamp() - ERASURE_LEAD.toMillis()),
                Topics.ERASURES.keySerde().deserializer(), Topics.ERASURES.valueSerde().deserializer(), Topics.ERASURES.name());
        topology.addProcessor(PROCESSOR, () -> new DetectionProcessor(properties, clock, listener), SOURCE, ERASURES);
        // Persistent and logged: the stores survive restarts locally and move with their partition
        // through the changelog topics. The record cache only batches writes; flags do not wait on it.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLIENT_STORE),
                new CidrSerde(), ClientWindowSerde.forStore()).withCachingEnabled(), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(POPULATION_STORE),
                Serdes.Integer(), new PopulationSampleSerde()).withCachingEnabled(), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ERASED_STORE),
                new CidrSerde(), Serdes.Long()), PROCESSOR);
        topology.addSink(SINK, Topics.FLAGGED.name(), Topics.FLAGGED.keySerde().serializer(),
                Topics.FLAGGED.valueSerde().serializer(), PROCESSOR);
    }
}
