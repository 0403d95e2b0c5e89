package io.iptracking.detection.stream;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.ErasureRequest;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.anomaly.PopulationSample;
import io.iptracking.detection.window.ClientWindow;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One task's detection: a {@link DetectionEngine} over the task's client and population stores. Flags
 * are forwarded as soon as the engine returns them, not at the end of a window; the model refit runs as
 * a stream-time punctuation, so it is as deterministic as the input; the purge of idle clients, which
 * changes no flag, a step every 30 s of wall-clock time. Its input is the enriched requests and the
 * erasures ({@link ErasureRequest}), which delete a client's window.
 */
final class DetectionProcessor implements Processor<ClientIp, Object, ClientIp, FlaggedIp> {

    private final DetectionProperties properties;
    private final Clock clock;
    private final DetectionListener listener;
    private ProcessorContext<ClientIp, FlaggedIp> context;
    private DetectionEngine engine;

    DetectionProcessor(DetectionProperties properties, Clock clock, DetectionListener listener) {
        this.properties = properties;
        this.clock = clock;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<ClientIp, FlaggedIp> context) {
        this.context = context;
        KeyValueStore<Cidr, ClientWindow> clients = context.getStateStore(DetectionTopology.CLIENT_STORE);
        KeyValueStore<Integer, PopulationSample> population = context.getStateStore(DetectionTopology.POPULATION_STORE);
        KeyValueStore<Cidr, Long> erased = context.getStateStore(DetectionTopology.ERASED_STORE);
        // A new cache on every init: after an aborted transaction the task is re-initialised on
        // restored state, and nothing cached before may survive that.
        engine = new DetectionEngine(properties, clock, listener, new KafkaClientStore(clients, new RecentClients()),
                // Sorted as the store iterates them, so a refit sees the samples in the same order as a replay.
                SmallStore.over(population, new TreeMap<>()), SmallStore.over(erased, new HashMap<>()));
        // The stores are restored before init: the model is refitted from them, not lost on a restart.
        engine.refit();
        context.schedule(properties.window().maintenanceInterval(), PunctuationType.STREAM_TIME, engine::maintain);
        // Wall-clock time: a step every 30 s however fast stream time moves (a backlog is read at many
        // times real time), judged by stream time.
        context.schedule(DetectionEngine.PURGE_INTERVAL, PunctuationType.WALL_CLOCK_TIME,
                wallClock -> engine.purge(context.currentStreamTimeMs()));
    }

    @Override
    public void process(Record<ClientIp, Object> record) {
        switch (record.value()) {
            case EnrichedRequestEvent request -> {
                long t = record.timestamp();
                for (FlaggedIp flag : engine.onRequest(request, t, context.currentStreamTimeMs())) {
                    context.forward(new Record<>(flag.ip(), flag, t));
                }
            }
            case ErasureRequest erasure -> {
                // Anything else would reach the wrong task, and delete another client's population slot.
                if (!ClientNetwork.keyOf(erasure.ip()).equals(record.key())) {
                    throw new IllegalArgumentException("an erasure of " + erasure.ip() + " keyed by " + record.key()
                            + " instead of " + ClientNetwork.keyOf(erasure.ip()));
                }
                engine.erase(erasure.ip(), erasure.requestedAt().toEpochMilli());
            }
            case null, default -> {
                // A tombstone, or nothing this processor reads.
            }
        }
    }

    /**
     * The store, with the windows of recently active clients also kept as objects: every put goes to
     * both, so a cached object always equals the stored value, and a busy client is not deserialized on
     * each of its requests.
     */
    private record KafkaClientStore(KeyValueStore<Cidr, ClientWindow> store, RecentClients recent) implements ClientStore {

        @Override
        public ClientWindow get(Cidr client) {
            ClientWindow cached = recent.get(client);
            if (cached != null) {
                return cached;
            }
            ClientWindow stored = store.get(client);
            if (stored != null) {
                recent.put(client, stored);
            }
            return stored;
        }

        @Override
        public void put(Cidr client, ClientWindow window) {
            store.put(client, window);
            recent.put(client, window);
        }

        @Override
        public void delete(Cidr client) {
            store.delete(client);
            recent.remove(client);
        }

        @Override
        public long approximateSize() {
            return store.approximateNumEntries();
        }

        @Override
        public Cidr scan(Cidr after, int limit, BiConsumer<Cidr, ClientWindow> visitor) {
            int visited = 0;
            Cidr last = null;
            try (KeyValueIterator<Cidr, ClientWindow> entries = after == null ? store.all() : store.range(after, null)) {
                while (entries.hasNext()) {
                    KeyValue<Cidr, ClientWindow> e = entries.next();
                    if (e.key.equals(after)) {
                        continue;
                    }
                    if (visited == limit) {
                        return last;
                    }
                    ClientWindow cached = recent.get(e.key);
                    visitor.accept(e.key, cached != null ? cached : e.value);
                    last = e.key;
                    visited++;
                }
            }
            return null;
        }
    }

    /**
     * Least recently used first out, bounded by the heap the windows hold ({@link ClientWindow#heapBytes()},
     * as of their last put): a full window is about 15 KB, an ordinary one well under 2 KB.
     */
    private static final class RecentClients {

        // About the clients active within a commit interval or two, and never more than this per task.
        private static final long MAX_BYTES = 16L * 1024 * 1024;

        private record Held(ClientWindow window, int bytes) {
        }

        private final LinkedHashMap<Cidr, Held> held = new LinkedHashMap<>(1024, 0.75f, true);
        private long bytes;

        ClientWindow get(Cidr client) {
            Held h = held.get(client);
            return h == null ? null : h.window();
        }

        void put(Cidr client, ClientWindow window) {
            Held h = new Held(window, window.heapBytes());
            Held before = held.put(client, h);
            bytes += h.bytes() - (before == null ? 0 : before.bytes());
            var eldest = held.entrySet().iterator();
            while (bytes > MAX_BYTES && eldest.hasNext()) {
                bytes -= eldest.next().getValue().bytes();
                eldest.remove();
            }
        }

        void remove(Cidr client) {
            Held before = held.remove(client);
            if (before != null) {
                bytes -= before.bytes();
            }
        }
    }
}
