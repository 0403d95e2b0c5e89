package io.iptracking.detection.evaluation;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.stream.ActivityStore;
import io.iptracking.detection.stream.DetectionEngine;
import io.iptracking.detection.stream.DetectionListener;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    public Replay(DetectionProperties p, int partitions) {
        this.partitions = partitions;
        this.streamTime = new long[partitions];
        this.nextMaintenance = new long[partitions];
        this.maintenanceMs = p.window().maintenanceInterval().toMillis();
        for (int i = 0; i < partitions; i++) {
            engines.add(new DetectionEngine(p, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), DetectionListener.NONE, new MapStore()));
            streamTime[i] = Long.MIN_VALUE;
            nextMaintenance[i] = Long.MIN_VALUE;
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
        List<FlaggedIp> flags = engines.get(partition).onRequest(ip, e, t, streamTime[partition]);
        // As Kafka Streams punctuates on stream time: after the record that moved stream time past
        // the next scheduled time.
        if (nextMaintenance[partition] == Long.MIN_VALUE) {
            nextMaintenance[partition] = streamTime[partition];
        }
        if (streamTime[partition] >= nextMaintenance[partition]) {
            engines.get(partition).maintain(streamTime[partition]);
            long behind = (streamTime[partition] - nextMaintenance[partition]) / maintenanceMs;
            nextMaintenance[partition] += (behind + 1) * maintenanceMs;
        }
        return flags;
    }

    private int partitionOf(ClientIp ip) {
        byte[] key = Topics.ENRICHED_REQUESTS.keySerde().serializer().serialize(Topics.ENRICHED_REQUESTS.name(), ip);
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    private static final class MapStore implements ActivityStore {
        private final Map<ClientIp, io.iptracking.detection.window.IpActivity> map = new HashMap<>();

        @Override
        public io.iptracking.detection.window.IpActivity get(ClientIp ip) {
            return map.get(ip);
        }

        @Override
        public void put(ClientIp ip, io.iptracking.detection.window.IpActivity activity) {
            map.put(ip, activity);
        }

        @Override
        public void delete(ClientIp ip) {
            map.remove(ip);
        }

        @Override
        public void forEach(BiConsumer<ClientIp, io.iptracking.detection.window.IpActivity> visitor) {
            map.forEach(visitor);
        }
    }
}
