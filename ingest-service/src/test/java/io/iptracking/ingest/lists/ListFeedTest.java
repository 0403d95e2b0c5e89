package io.iptracking.ingest.lists;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topics;
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

class ListFeedTest {

    private static final String TOPIC = Topics.BLOCKLIST.name();
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    @Test
    void failuresInARowWaitLongerEachTimeUpToHalfAMinute() {
        assertThat(IntStream.rangeClosed(1, 8).mapToObj(ListFeed::retryPause).map(Duration::toSeconds).toList())
                .containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
        assertThat(ListFeed.retryPause(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
    }

    /** Kafka's in-memory consumer stands in for the broker here: only it can be made to fail a poll. */
    @Test
    void aFailedReadIsCountedAndReadingGoesOnFromWhereItStopped() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        consumer.updateEndOffsets(Map.of(PARTITION, 1L));
        ClientLists lists = new ClientLists();
        ListFeed feed = new ListFeed(Topics.BLOCKLIST, lists, consumer, Clock.systemUTC());
        try {
            feed.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> !consumer.assignment().isEmpty());
            consumer.addRecord(block(0, "198.51.100.0/24"));
            await().atMost(Duration.ofSeconds(5)).until(feed::isCaughtUp);

            consumer.setPollException(new KafkaException("the broker refused the fetch"));
            await().atMost(Duration.ofSeconds(5)).until(() -> feed.failures() == 1);
            consumer.addRecord(block(1, "203.0.113.0/24"));

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(blocked(lists, "203.0.113.9"))
                    .as("the record after the failure is read").isTrue());
            assertThat(blocked(lists, "198.51.100.9")).as("the lists read before stay").isTrue();
            assertThat(feed.applied()).isEqualTo(2);
            assertThat(feed.failures()).isEqualTo(1);
        } finally {
            feed.close();
        }
        assertThat(consumer.closed()).isTrue();
    }

    private static ConsumerRecord<byte[], byte[]> block(long offset, String range) {
        Cidr cidr = Cidr.parse(range);
        ListEntry entry = new ListEntry(cidr, ListAction.BLOCK, "list feed test", ListSource.MANUAL, "test",
                Instant.now().minusSeconds(1), null);
        return new ConsumerRecord<>(TOPIC, 0, offset, Topics.BLOCKLIST.keySerde().serializer().serialize(TOPIC, cidr),
                Topics.BLOCKLIST.valueSerde().serializer().serialize(TOPIC, entry));
    }

    private static boolean blocked(ClientLists lists, String ip) {
        return lists.decidingEntry(ClientIp.parse(ip), Instant.now())
                .filter(entry -> entry.action() == ListAction.BLOCK)
                .isPresent();
    }
}
