package io.iptracking.common.kafka;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How a topic is created: its partition count and cleanup, as the topic-level configs Kafka takes.
 * Two kinds, so that a setting that means nothing for a topic (retention of a compacted topic) cannot
 * be given.
 */
public sealed interface TopicSettings {

    int partitions();

    /** The topic-level configs, by Kafka config name, in a stable order. */
    Map<String, String> configs();

    /** Records are deleted once older than {@code retention}. */
    static Delete delete(int partitions, Duration retention) {
        return new Delete(partitions, retention);
    }

    /**
     * Only the newest record per key is kept; tombstones are kept for {@code tombstoneRetention}
     * before they are removed.
     */
    static Compact compact(int partitions, Duration tombstoneRetention, Duration minCompactionLag,
            Duration maxCompactionLag) {
        return new Compact(partitions, tombstoneRetention, minCompactionLag, maxCompactionLag);
    }

    /** A time-retained event stream. */
    record Delete(int partitions, Duration retention) implements TopicSettings {

        public Delete {
            checkPartitions(partitions);
            checkPositive(retention, "retention");
        }

        @Override
        public Map<String, String> configs() {
            Map<String, String> configs = new LinkedHashMap<>();
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
            return Collections.unmodifiableMap(configs);
        }
    }

    /**
     * A table: the newest value per key, kept forever.
     *
     * @param tombstoneRetention how long a deletion stays readable ({@code delete.retention.ms}); a
     *     consumer that falls further behind than this may miss it and keep a deleted key
     * @param minCompactionLag how long every record stays readable before compaction may drop it
     *     ({@code min.compaction.lag.ms})
     * @param maxCompactionLag how long a superseded record may survive at most
     *     ({@code max.compaction.lag.ms}); bounds what a consumer reading from the start must replay
     */
    record Compact(int partitions, Duration tombstoneRetention, Duration minCompactionLag,
            Duration maxCompactionLag) implements TopicSettings {

        public Compact {
            checkPartitions(partitions);
            checkPositive(tombstoneRetention, "tombstoneRetention");
            if (minCompactionLag == null || minCompactionLag.isNegative()) {
                throw new IllegalArgumentException("minCompactionLag must be zero or positive, was " + minCompactionLag);
            }
            checkPositive(maxCompactionLag, "maxCompactionLag");
            if (maxCompactionLag.compareTo(minCompactionLag) < 0) {
                throw new IllegalArgumentException("maxCompactionLag " + maxCompactionLag
                        + " must not be shorter than minCompactionLag " + minCompactionLag);
            }
        }

        @Override
        public Map<String, String> configs() {
            Map<String, String> configs = new LinkedHashMap<>();
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            configs.put(TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(tombstoneRetention.toMillis()));
            configs.put(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Long.toString(minCompactionLag.toMillis()));
            configs.put(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, Long.toString(maxCompactionLag.toMillis()));
            return Collections.unmodifiableMap(configs);
        }
    }

    private static void checkPartitions(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
    }

    private static void checkPositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
