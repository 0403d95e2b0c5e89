package io.iptracking.e2e;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** How far a consumer group is behind the end of a topic, read with the admin client as an operator would. */
final class ConsumerLag {

    private ConsumerLag() {
    }

    /**
     * Records (and transaction markers) between the group's committed offsets and the current end of
     * every partition of {@code topic}; a partition the group never committed counts from 0.
     */
    static long of(Admin admin, String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> end : endOffsets(admin, topic).entrySet()) {
                OffsetAndMetadata c = committed.get(end.getKey());
                lag += Math.max(0, end.getValue() - (c == null ? 0 : c.offset()));
            }
            return lag;
        } catch (Exception e) {
            throw new IllegalStateException("could not read the offsets of " + group + " on " + topic, e);
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest())))
                .all().get().forEach((tp, info) -> end.put(tp, info.offset()));
        return end;
    }
}
