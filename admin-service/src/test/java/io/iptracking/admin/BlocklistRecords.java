package io.iptracking.admin;

import io.iptracking.common.event.ListEntry;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.kafka.Topics;
import io.iptracking.common.testing.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads the blocklist topic as an edge does: everything from the beginning, one partition. */
public final class BlocklistRecords implements AutoCloseable {

    private final KafkaConsumer<Cidr, ListEntry> consumer;
    private final List<ConsumerRecord<Cidr, ListEntry>> seen = new ArrayList<>();

    public BlocklistRecords(TestKafka kafka) {
        consumer = kafka.consumer(Topics.BLOCKLIST.keySerde().deserializer(), Topics.BLOCKLIST.valueSerde().deserializer());
        TopicPartition tp = new TopicPartition(Topics.BLOCKLIST.name(), 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
    }

    /** Polls once for up to {@code wait}; returns every record seen so far, in order. */
    public List<ConsumerRecord<Cidr, ListEntry>> poll(Duration wait) {
        consumer.poll(wait).forEach(seen::add);
        return seen;
    }

    /** The records of one key seen so far, in order. */
    public List<ConsumerRecord<Cidr, ListEntry>> of(Cidr cidr) {
        poll(Duration.ofMillis(100));
        return seen.stream().filter(r -> r.key().equals(cidr)).toList();
    }

    /** What an edge that read everything so far would hold: the last value per key, tombstones removed. */
    public Map<Cidr, ListEntry> state() {
        poll(Duration.ofMillis(100));
        Map<Cidr, ListEntry> state = new HashMap<>();
        for (ConsumerRecord<Cidr, ListEntry> r : seen) {
            if (r.value() == null) {
                state.remove(r.key());
            } else {
                state.put(r.key(), r.value());
            }
        }
        return state;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
