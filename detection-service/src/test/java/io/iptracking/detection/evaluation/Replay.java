package io.iptracking.detection.evaluation;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import io.iptracking.common.kafka.Topics;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.stream.ClientStore;
import io.iptracking.detection.stream.DetectionEngine;
import io.iptracking.detection.stream.DetectionListener;
import io.iptracking.detection.stream.SmallStore;
import io.iptracking.detection.window.ClientWindow;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.kafka.common.utils.Utils;

/**
 * Replays traffic through the production {@link DetectionEngine} as the topology runs it, without
 * Kafka: one engine per partition of {@link Topics#ENRICHED_REQUESTS} (IPs assigned as Kafka's default
 * partitioner does), each with its own stream time, maintenance schedule and anomaly model. A day of
 * traffic takes seconds instead of the hours a TopologyTestDriver needs (it commits after every record).
 */
public final class Replay {

    private final int partitions;
    private final List<DetectionEngine> engines = new ArrayList<>();
    private final long[] streamTime;
    private final long[] nextMaintenance;
    private final long maintenanceMs;
    private final long[] nextPurge;
    private static final long PURGE_MS = DetectionEngine.PURGE_INTERVAL.toMillis();

    public Replay(DetectionProperties p, int partitions) {
        this.partitions = partitions;
        this.streamTime = new long[partitions];
        this.nextMaintenance = new long[partitions];
        this.nextPurge = new long[partitions];
        this.maintenanceMs = p.window().maintenanceInterval().toMillis();
        for (int i = 0; i < partitions; i++) {
            engines.add(new DetectionEngine(p, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), DetectionListener.NONE, new MapStore(),
                    SmallStore.inMemory(new TreeMap<>()), SmallStore.inMemory(new HashMap<>())));
            streamTime[i] = Long.MIN_VALUE;
            nextMaintenance[i] = Long.MIN_VALUE;
            nextPurge[i] = Long.MIN_VALUE;
        }
    }

    /** Every flag the events raise, in order. */
    public static List<FlaggedIp> flags(DetectionProperties p, List<EnrichedRequestEvent> events) {
        Replay replay = new Replay(p, Topics.ENRICHED_REQUESTS.partitions());
        List<FlaggedIp> flags = new ArrayList<>();
        for (EnrichedRequestEvent e : events) {
            flags.addAll(replay.send(e));
        }
        return flags;
    }

    public List<FlaggedIp> send(EnrichedRequestEvent e) {
        ClientIp ip = e.request().ip();
        int partition = partitionOf(ip);
        long t = e.request().timestamp().toEpochMilli();
        streamTime[partition] = Math.max(streamTime[partition], t);
        DetectionEngine engine = engines.get(partition);
        List<FlaggedIp> flags = engine.onRequest(e, t, streamTime[partition]);
        // As Kafka Streams punctuates on stream time: after the record that moved stream time past
        // the next scheduled time.
        nextMaintenance[partition] = punctuate(nextMaintenance[partition], streamTime[partition], maintenanceMs, engine::maintain);
        nextPurge[partition] = punctuate(nextPurge[partition], streamTime[partition], PURGE_MS, engine::purge);
        return flags;
    }

    /** Runs {@code step} if stream time reached {@code next}; returns the next time it is due. */
    private static long punctuate(long next, long streamTime, long interval, java.util.function.LongConsumer step) {
        if (next == Long.MIN_VALUE) {
            next = streamTime;
        }
        if (streamTime >= next) {
            step.accept(streamTime);
            next += ((streamTime - next) / interval + 1) * interval;
        }
        return next;
    }

    private int partitionOf(ClientIp ip) {
        byte[] key = Topics.ENRICHED_REQUESTS.keySerde().serializer().serialize(Topics.ENRICHED_REQUESTS.name(),
                ClientNetwork.keyOf(ip));
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    /** Clients in key order, as a store's range scan visits them. */
    private static final class MapStore implements ClientStore {
        private final TreeMap<Cidr, ClientWindow> map = new TreeMap<>(Comparator.comparing(Cidr::toString));

        @Override
        public ClientWindow get(Cidr client) {
            return map.get(client);
        }

        @Override
        public void put(Cidr client, ClientWindow window) {
            map.put(client, window);
        }

        @Override
        public void delete(Cidr client) {
            map.remove(client);
        }

        @Override
        public long approximateSize() {
            return map.size();
        }

        @Override
        public Cidr scan(Cidr after, int limit, BiConsumer<Cidr, ClientWindow> visitor) {
            Cidr last = null;
            int visited = 0;
            for (Map.Entry<Cidr, ClientWindow> e : (after == null ? map : map.tailMap(after, false)).entrySet()) {
                if (visited == limit) {
                    return last;
                }
                visitor.accept(e.getKey(), e.getValue());
                last = e.getKey();
                visited++;
            }
            return null;
        }
    }
}
