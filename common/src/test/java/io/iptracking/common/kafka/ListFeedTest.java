package io.iptracking.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.ip.Cidr;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The list feed on Kafka's in-memory consumer: only it can be made to fail a poll. */
class ListFeedTest {

    private static final String TOPIC = Topics.BLOCKLIST.name();
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    @Test
    void failuresInARowWaitLongerEachTimeUpToHalfAMinute() {
        assertThat(IntStream.rangeClosed(1, 8).mapToObj(ListFeed::retryPause).map(Duration::toSeconds).toList())
                .containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
        assertThat(ListFeed.retryPause(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aFailedReadIsCountedAndReadingGoesOnFromWhereItStopped() throws InterruptedException {
        MockConsumer<byte[], byte[]> consumer = consumer(1);
        ListTopicSnapshot sink = new ListTopicSnapshot();
        ListFeed feed = new ListFeed(Topics.BLOCKLIST, sink, consumer, Clock.systemUTC());
        try {
            feed.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> !consumer.assignment().isEmpty());
            assertThat(feed.isCaughtUp()).isFalse();
            consumer.addRecord(record(0, Cidr.parse("198.51.100.0/24"), block("198.51.100.0/24")));
            assertThat(feed.awaitCaughtUp(Duration.ofSeconds(5))).isTrue();

            consumer.setPollException(new KafkaException("the broker refused the fetch"));
            await().atMost(Duration.ofSeconds(5)).until(() -> feed.failures() == 1);
            consumer.addRecord(record(1, Cidr.parse("203.0.113.0/24"), block("203.0.113.0/24")));

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(sink.entries())
                    .as("the record after the failure is read, the one before stays")
                    .containsOnlyKeys(Cidr.parse("198.51.100.0/24"), Cidr.parse("203.0.113.0/24")));
            assertThat(feed.applied()).isEqualTo(2);
            assertThat(feed.failures()).isEqualTo(1);
        } finally {
            feed.close();
        }
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void anUnreadableRecordIsSkippedCountedAndNamedWhenItsKeyCanBeRead() throws InterruptedException {
        MockConsumer<byte[], byte[]> consumer = consumer(5);
        ListTopicSnapshot sink = new ListTopicSnapshot();
        Cidr good = Cidr.parse("198.51.100.0/24");
        Cidr poisoned = Cidr.parse("203.0.113.0/24");
        Cidr mismatched = Cidr.parse("192.0.2.0/24");
        ListFeed feed = new ListFeed(Topics.BLOCKLIST, sink, consumer, Clock.systemUTC());
        try {
            feed.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> !consumer.assignment().isEmpty());
            consumer.addRecord(record(0, poisoned, block("203.0.113.0/24")));
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 1, key(poisoned), "{\"schemaVersion\":1,\u0000".getBytes(StandardCharsets.UTF_8)));
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 2, "not a cidr\r\n".getBytes(StandardCharsets.UTF_8), value(block("10.0.0.0/8"))));
            consumer.addRecord(record(3, mismatched, block("0.0.0.0/0")));
            consumer.addRecord(record(4, good, block("198.51.100.0/24")));
            assertThat(feed.awaitCaughtUp(Duration.ofSeconds(5))).isTrue();

            assertThat(sink.entries()).as("only the CIDR whose latest record is readable has an entry").containsOnlyKeys(good);
            assertThat(sink.unreadable()).as("CIDRs whose latest record could not be read (the key could)")
                    .containsExactlyInAnyOrder(poisoned, mismatched);
            assertThat(feed.unreadable()).isEqualTo(3);
            assertThat(feed.applied()).isEqualTo(2);
        } finally {
            feed.close();
        }
    }

    @Test
    void anEmptyTopicIsCaughtUpAtOnce() throws InterruptedException {
        MockConsumer<byte[], byte[]> consumer = consumer(0);
        ListFeed feed = new ListFeed(Topics.BLOCKLIST, new ListTopicSnapshot(), consumer, Clock.systemUTC());
        try {
            feed.start();
            assertThat(feed.awaitCaughtUp(Duration.ofSeconds(5))).isTrue();
            assertThat(feed.lag()).isZero();
        } finally {
            feed.close();
        }
    }

    private static MockConsumer<byte[], byte[]> consumer(long endOffset) {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        consumer.updateEndOffsets(Map.of(PARTITION, endOffset));
        return consumer;
    }

    private static ListEntry block(String range) {
        return new ListEntry(Cidr.parse(range), ListAction.BLOCK, "list feed test", ListSource.MANUAL, "test",
                Instant.now().minusSeconds(1), null);
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, Cidr key, ListEntry entry) {
        return new ConsumerRecord<>(TOPIC, 0, offset, key(key), value(entry));
    }

    private static byte[] key(Cidr cidr) {
        return Topics.BLOCKLIST.keySerde().serializer().serialize(TOPIC, cidr);
    }

    private static byte[] value(ListEntry entry) {
        return Topics.BLOCKLIST.valueSerde().serializer().serialize(TOPIC, entry);
    }
}
