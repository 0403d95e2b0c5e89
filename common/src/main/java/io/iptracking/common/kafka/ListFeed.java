package io.iptracking.common.kafka;

import io.iptracking.common.event.ListEntry;
import io.iptracking.common.ip.Cidr;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a compacted list topic into a {@link Sink}: the edge keeps its block and allow lists with
 * it, and admin reads the topic's current state with it to reconcile the topic with its table.
 *
 * <p>The feed reads the whole topic from the beginning with manual assignment (no consumer group:
 * every reader needs every entry), and is caught up once it has read up to the end offsets it saw at
 * start. A record that cannot be read is skipped and counted, never retried forever (the sink hears of
 * its CIDR when the key could be read; a value whose CIDR is not its key's counts as unreadable).
 * Should reading itself fail, it is logged, counted and tried again a second later (then after 2, 4…
 * up to 30 seconds while it keeps failing), for as long as the feed runs: it never stops on its own,
 * which would leave an edge ready with lists that no longer change.
 */
public final class ListFeed implements AutoCloseable {

    /** Where the feed puts what it reads; called on the feed's thread only. */
    public interface Sink {

        /** A readable record: the entry for {@code cidr}, or null for a tombstone (the entry is gone). */
        void apply(Cidr cidr, ListEntry entryOrTombstone);

        /** A record whose key names {@code cidr} but whose value cannot be read. */
        default void unreadable(Cidr cidr) {
        }

        /** Called about once a minute with the current time: drop what has expired. */
        default void expire(Instant now) {
        }
    }

    private static final Logger log = LoggerFactory.getLogger(ListFeed.class);
    private static final Duration FIRST_RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(30);

    private final Topic<Cidr, ListEntry> topic;
    private final Sink lists;
    private final Consumer<byte[], byte[]> consumer;
    private final Clock clock;
    private final Thread thread;
    private final LongAdder applied = new LongAdder();
    private final LongAdder unreadable = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final CountDownLatch reachedStartEnd = new CountDownLatch(1);
    // The feed's thread alone uses these.
    /** Assigned once the topic is found. */
    private List<TopicPartition> partitions;
    private long lastPurge;
    /** Failures since the last poll that succeeded. */
    private int inARow;
    private final AtomicLong lag = new AtomicLong(-1);
    private volatile Map<TopicPartition, Long> startEndOffsets;
    private volatile boolean caughtUp;
    private volatile boolean running = true;

    /**
     * @param consumerConfig the client settings (Spring Boot's {@code KafkaProperties.buildConsumerProperties()});
     *     the group, offset commits and offset reset are the feed's own
     * @param clientId names the feed's client in the broker's logs and quotas
     */
    public ListFeed(Topic<Cidr, ListEntry> topic, Sink lists, Map<String, Object> consumerConfig, String clientId, Clock clock) {
        this(topic, lists, new KafkaConsumer<>(feedConfig(consumerConfig, clientId), new ByteArrayDeserializer(),
                new ByteArrayDeserializer()), clock);
    }

    /** With a consumer of the caller's: tests give Kafka's {@code MockConsumer}, to make reading fail. */
    ListFeed(Topic<Cidr, ListEntry> topic, Sink lists, Consumer<byte[], byte[]> consumer, Clock clock) {
        this.topic = topic;
        this.lists = lists;
        this.clock = clock;
        this.consumer = consumer;
        this.thread = Thread.ofPlatform().name("list-feed").daemon().unstarted(this::run);
    }

    private static Map<String, Object> feedConfig(Map<String, Object> consumerConfig, String clientId) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A new block must reach the edge within a second: do not let the broker hold fetches long.
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return config;
    }

    public void start() {
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                try {
                    follow();
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // The consumer keeps its assignment and position: reading goes on where it stopped.
                    failures.increment();
                    inARow++;
                    Duration wait = retryPause(inARow);
                    if (inARow == 1) {
                        log.error("Reading {} failed; trying again in {}, with the lists as they are meanwhile",
                                topic.name(), wait, e);
                    } else {
                        log.error("Reading {} failed again ({} times in a row): {}; trying again in {}",
                                topic.name(), inARow, e.toString(), wait);
                    }
                    pause(wait);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Reads the topic until closed: from its beginning the first time, from where it stopped after a failure. */
    private void follow() {
        if (partitions == null) {
            List<TopicPartition> found = partitions();
            consumer.assign(found);
            consumer.seekToBeginning(found);
            startEndOffsets = endOffsets(found);
            lastPurge = clock.millis();
            partitions = found;
        }
        while (running) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
            inARow = 0;
            for (ConsumerRecord<byte[], byte[]> record : records) {
                apply(record);
            }
            updateLagAndReadiness(partitions);
            if (clock.millis() - lastPurge > 60_000) {
                lists.expire(clock.instant());
                lastPurge = clock.millis();
            }
        }
    }

    /** 1 s after a first failure, doubling with each failure in a row, up to {@link #MAX_RETRY_PAUSE}. */
    static Duration retryPause(int failuresInARow) {
        int doublings = Math.min(failuresInARow - 1, 5);
        Duration pause = FIRST_RETRY_PAUSE.multipliedBy(1L << doublings);
        return pause.compareTo(MAX_RETRY_PAUSE) < 0 ? pause : MAX_RETRY_PAUSE;
    }

    /** Waits, unless {@link #close()} comes first. */
    private void pause(Duration d) {
        try {
            closed.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private List<TopicPartition> partitions() {
        while (running) {
            try {
                var infos = consumer.partitionsFor(topic.name(), Duration.ofSeconds(10));
                if (infos != null && !infos.isEmpty()) {
                    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // Kafka not reachable yet: keep waiting, the edge stays not-ready meanwhile.
            }
            log.info("Waiting for topic {} to exist", topic.name());
            pause(FIRST_RETRY_PAUSE);
        }
        return List.of();
    }

    private Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) {
        while (true) {
            try {
                return consumer.endOffsets(partitions, Duration.ofSeconds(10));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                log.info("Waiting for Kafka to learn the end of {}", topic.name());
            }
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        Cidr cidr = null;
        try {
            cidr = topic.keySerde().deserializer().deserialize(topic.name(), record.key());
            if (cidr == null) {
                throw new SerializationException("no key");
            }
            ListEntry entry = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
            if (entry != null && !entry.cidr().equals(cidr)) {
                throw new SerializationException("key " + cidr + " does not match the entry's CIDR " + entry.cidr());
            }
            lists.apply(cidr, entry);
            applied.increment();
        } catch (RuntimeException e) {
            unreadable.increment();
            log.warn("Skipped unreadable list record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    DeadLetterHeaders.forLog(e));
            if (cidr != null) {
                lists.unreadable(cidr);
            }
        }
    }

    private void updateLagAndReadiness(List<TopicPartition> partitions) {
        long total = 0;
        boolean reached = true;
        for (TopicPartition tp : partitions) {
            // From the last fetch response: no extra round trip, and no exception while Kafka is away.
            total += consumer.currentLag(tp).orElse(0);
            if (consumer.position(tp) < startEndOffsets.getOrDefault(tp, 0L)) {
                reached = false;
            }
        }
        lag.set(total);
        if (reached && !caughtUp) {
            caughtUp = true;
            reachedStartEnd.countDown();
            log.info("Feed of {} caught up: {} records applied, {} unreadable", topic.name(), applied.sum(), unreadable.sum());
        }
    }

    /** True once every record that existed at start has been applied. */
    public boolean isCaughtUp() {
        return caughtUp;
    }

    /**
     * Waits until {@link #isCaughtUp()}, at most {@code timeout}.
     *
     * @return whether it is caught up
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return reachedStartEnd.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Records not yet read; -1 before the first poll. */
    public long lag() {
        return lag.get();
    }

    public long applied() {
        return applied.sum();
    }

    public long unreadable() {
        return unreadable.sum();
    }

    /** Times reading the topic failed (the broker refused, a bug...) and was tried again after a pause. */
    public long failures() {
        return failures.sum();
    }

    @Override
    public void close() {
        running = false;
        closed.countDown();
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
