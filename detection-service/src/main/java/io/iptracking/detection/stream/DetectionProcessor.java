package io.iptracking.detection.stream;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.window.IpActivity;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One task's detection: a {@link DetectionEngine} over the task's activity store. Flags are forwarded
 * as soon as the engine returns them, not at the end of a window; maintenance runs as a stream-time
 * punctuation, so it is as deterministic as the input.
 */
final class DetectionProcessor implements Processor<ClientIp, EnrichedRequestEvent, ClientIp, FlaggedIp> {

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
        KeyValueStore<ClientIp, IpActivity> store = context.getStateStore(DetectionTopology.ACTIVITY_STORE);
        // A new cache on every init: after an aborted transaction the task is re-initialised on
        // restored state, and nothing cached before may survive that.
        engine = new DetectionEngine(properties, clock, listener, new KafkaActivityStore(store, new RecentActivity()));
        // The store is restored before init: the model is refitted from it, not lost on a restart.
        engine.refit();
        context.schedule(properties.window().maintenanceInterval(), PunctuationType.STREAM_TIME, engine::maintain);
    }

    @Override
    public void process(Record<ClientIp, EnrichedRequestEvent> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        long t = record.timestamp();
        for (FlaggedIp flag : engine.onRequest(record.key(), record.value(), t, context.currentStreamTimeMs())) {
            context.forward(new Record<>(record.key(), flag, t));
        }
    }

    /**
     * The store, with the activity of recently active IPs also kept as objects: every put goes to
     * both, so a cached object always equals the stored value, and a hot IP is not deserialized on
     * each of its requests.
     */
    private record KafkaActivityStore(KeyValueStore<ClientIp, IpActivity> store, RecentActivity recent) implements ActivityStore {

        @Override
        public IpActivity get(ClientIp ip) {
            IpActivity cached = recent.get(ip);
            if (cached != null) {
                return cached;
            }
            IpActivity stored = store.get(ip);
            if (stored != null) {
                recent.put(ip, stored);
            }
            return stored;
        }

        @Override
        public void put(ClientIp ip, IpActivity activity) {
            store.put(ip, activity);
            recent.put(ip, activity);
        }

        @Override
        public void delete(ClientIp ip) {
            store.delete(ip);
            recent.remove(ip);
        }

        @Override
        public void forEach(BiConsumer<ClientIp, IpActivity> visitor) {
            try (KeyValueIterator<ClientIp, IpActivity> all = store.all()) {
                while (all.hasNext()) {
                    KeyValue<ClientIp, IpActivity> e = all.next();
                    // The cached object if there is one, so that changes the visitor makes and then
                    // puts are the ones the cache holds.
                    IpActivity cached = recent.get(e.key);
                    visitor.accept(e.key, cached != null ? cached : e.value);
                }
            }
        }
    }

    /** Least recently used first out, bounded by count. */
    private static final class RecentActivity extends LinkedHashMap<ClientIp, IpActivity> {

        // Enough for the IPs active within a commit interval or two; each holds at most one window.
        private static final int CAPACITY = 10_000;

        RecentActivity() {
            super(1024, 0.75f, true);
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<ClientIp, IpActivity> eldest) {
            return size() > CAPACITY;
        }
    }
}
