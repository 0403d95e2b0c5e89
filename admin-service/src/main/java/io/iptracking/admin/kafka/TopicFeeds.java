package io.iptracking.admin.kafka;

import io.iptracking.common.kafka.DeadLetterHeaders;
import io.iptracking.common.kafka.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Feeds topics to admin's stores through Spring Kafka listener containers, at least once, in batches,
 * and so that no record can stop a feed:
 *
 * <ul>
 *   <li>a record that cannot be read (bad JSON, a broken contract, no value) or that the store refuses
 *       (a value PostgreSQL cannot hold) goes to the feed's dead-letter topic with the error in
 *       {@link DeadLetterHeaders}, is counted, and the records after it are stored;
 *   <li>while the store or the broker is away, the batch is retried with exponential backoff, for as
 *       long as it takes: nothing is skipped ({@link Failures#TRANSIENT});
 *   <li>a failure of no known kind is retried a few times, then dead-lettered.
 * </ul>
 *
 * Offsets are committed after each stored batch; a redelivery after a crash is dropped by the stores,
 * which ignore an event or flag they already hold. Only committed records of the transactional
 * producers (enrichment, detection) are read.
 */
public final class TopicFeeds {

    /** Stores a batch of values; throws to have them retried or dead-lettered (see {@link Failures}). */
    @FunctionalInterface
    public interface Store<V> {
        void store(List<V> values);
    }

    private static final Logger log = LoggerFactory.getLogger(TopicFeeds.class);
    private static final LogAccessor LOG_ACCESSOR = new LogAccessor(TopicFeeds.class);

    /** While the store is away: 1 s, doubling, at most 30 s apart, never giving up. */
    static final BackOff WHILE_AWAY = exponential(Duration.ofSeconds(1), Duration.ofSeconds(30), Integer.MAX_VALUE);

    /** A failure of no known kind: 4 more tries over about 15 s, then the dead-letter topic. */
    static final BackOff UNKNOWN = exponential(Duration.ofSeconds(1), Duration.ofSeconds(8), 4);

    private static final BackOff NOT_AGAIN = new FixedBackOff(0, 0);

    /**
     * A record whose dead letter could not be written (the dead-letter topic away, or refusing it): tried
     * again 6 times over about a minute, then written again, and so on; never skipped, never spinning.
     */
    static final BackOff DEAD_LETTER_AWAY = exponential(Duration.ofSeconds(1), Duration.ofSeconds(30), 6);


    private final KafkaProperties kafka;
    private final MeterRegistry registry;

    public TopicFeeds(KafkaProperties kafka, MeterRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /**
     * A container that feeds {@code topic} to {@code store}; not started (the caller starts it when its
     * store is ready, and it stops with the application context it is a bean of).
     *
     * @param name names the consumer's client id and the metrics' {@code consumer} tag
     * @param groupId the consumer group, shared by every admin instance: each record is stored once
     * @param deadLetters where records that fail for good go, keyed and valued as they were read
     */
    public <K, V> ConcurrentMessageListenerContainer<K, V> feed(String name, Topic<K, V> topic, String groupId,
            int maxBatch, Topic<byte[], byte[]> deadLetters, Store<V> store) {
        Map<String, Object> consumer = kafka.buildConsumerProperties();
        consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, "admin-" + name);
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxBatch);
        // Enrichment and detection write with exactly-once transactions: records of an aborted
        // transaction stay in the log (and are written again by the replay), so only committed ones
        // may become request-log rows, flags or auto-blocks.
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        DefaultKafkaConsumerFactory<K, V> consumers = new DefaultKafkaConsumerFactory<>(consumer,
                new ErrorHandlingDeserializer<>(topic.keySerde().deserializer()),
                new ErrorHandlingDeserializer<>(topic.valueSerde().deserializer()));

        ContainerProperties properties = new ContainerProperties(topic.name());
        properties.setGroupId(groupId);
        properties.setAckMode(ContainerProperties.AckMode.BATCH);
        Feed<V> feed = new Feed<>(name, store, registry);
        properties.setMessageListener((BatchMessageListener<K, V>) feed::onBatch);
        ConcurrentMessageListenerContainer<K, V> container = new ConcurrentMessageListenerContainer<>(consumers, properties);
        container.setBeanName("feed-" + name);
        container.setAutoStartup(false);
        container.setCommonErrorHandler(errorHandler(name, topic, deadLetters, feed));
        return container;
    }

    private DefaultErrorHandler errorHandler(String name, Topic<?, ?> topic, Topic<byte[], byte[]> deadLetters, Feed<?> feed) {
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(deadLetterTemplate(name, topic),
                (record, e) -> new TopicPartition(deadLetters.name(), record.partition() % deadLetters.partitions())) {
            @Override
            protected void publish(ProducerRecord<Object, Object> out, KafkaOperations<Object, Object> template,
                    ConsumerRecord<?, ?> in) {
                super.publish(in.serializedValueSize() > DeadLetterHeaders.MAX_VALUE_BYTES ? withoutValue(out, in)
                        : withErrorHeadersOnly(out), template, in);
            }
        };
        // One convention for every dead-letter topic of the system: Kafka Streams' header names, as text.
        recoverer.excludeHeader(DeadLetterPublishingRecoverer.HeaderNames.HeadersToAdd.values());
        recoverer.addHeadersFunction((record, e) -> DeadLetterHeaders.of(cause(e), record.topic(), record.partition(), record.offset()));
        // Consumer-aware, so that the recoverer checks the dead-letter topic has the partition it chose.
        ConsumerAwareRecordRecoverer recover = (record, consumer, e) -> {
            // Throws when the dead-letter topic is away: the record is then retried, never skipped.
            recoverer.accept(record, consumer, e);
            feed.deadLettered(Failures.of(e));
            log.warn("Dead-lettered {}-{}@{} to {}: {}", record.topic(), record.partition(), record.offset(),
                    deadLetters.name(), DeadLetterHeaders.forLog(cause(e)));
        };
        DefaultErrorHandler handler = new DefaultErrorHandler(recover, UNKNOWN);
        handler.setBackOffFunction((record, e) -> feed.deadLetterFailed(record) ? DEAD_LETTER_AWAY : switch (Failures.of(e)) {
            case TRANSIENT -> WHILE_AWAY;
            case PERMANENT -> NOT_AGAIN;
            case UNKNOWN -> null;
        });
        // The rest of a batch stays in memory while the failed record is retried or dead-lettered,
        // instead of being fetched again after each failure.
        handler.setSeekAfterError(false);
        handler.setRetryListeners(new RetryListener() {
            @Override
            public void recoveryFailed(ConsumerRecord<?, ?> record, Exception original, Exception failure) {
                feed.deadLetterFailed(record, failure);
            }

            @Override
            public void recovered(ConsumerRecord<?, ?> record, Exception e) {
                feed.deadLettered(record);
            }

            @Override
            public void failedDelivery(ConsumerRecord<?, ?> record, Exception e, int attempt) {
                if (e != null) {
                    feed.failed(e, attempt);
                }
            }
        });
        return handler;
    }

    /** Writes what was read back as it was: the original bytes when it could not be read, else the topic's serdes. */
    private KafkaTemplate<Object, Object> deadLetterTemplate(String name, Topic<?, ?> topic) {
        Map<String, Object> producer = kafka.buildProducerProperties();
        producer.put(ProducerConfig.CLIENT_ID_CONFIG, "admin-" + name + "-dead-letters");
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        DefaultKafkaProducerFactory<Object, Object> producers = new DefaultKafkaProducerFactory<>(producer,
                byType(topic.keySerde().serializer()), byType(topic.valueSerde().serializer()));
        return new KafkaTemplate<>(producers);
    }

    private static DelegatingByTypeSerializer byType(Serializer<?> typed) {
        Map<Class<?>, Serializer<?>> delegates = new LinkedHashMap<>();
        delegates.put(byte[].class, new ByteArraySerializer());
        delegates.put(Object.class, typed);
        return new DelegatingByTypeSerializer(delegates, true);
    }

    /**
     * The dead letter with the error headers only: the record's own headers may be large, or forge the
     * error headers, and are left out (the recoverer copies them by default).
     */
    private static ProducerRecord<Object, Object> withErrorHeadersOnly(ProducerRecord<Object, Object> out) {
        return new ProducerRecord<>(out.topic(), out.partition(), out.key(), out.value(), errorHeaders(out));
    }

    /** The headers this dead letter's recoverer added (the last of each error header). */
    private static Headers errorHeaders(ProducerRecord<Object, Object> out) {
        Headers headers = new RecordHeaders();
        for (String name : List.of(DeadLetterHeaders.EXCEPTION, DeadLetterHeaders.MESSAGE, DeadLetterHeaders.STACKTRACE,
                DeadLetterHeaders.TOPIC, DeadLetterHeaders.PARTITION, DeadLetterHeaders.OFFSET)) {
            Header h = out.headers().lastHeader(name);
            if (h != null) {
                headers.add(h);
            }
        }
        return headers;
    }

    /**
     * A value larger than a dead-letter topic takes (Kafka's default is 1 MB; it was read from a topic
     * that allows more): the record keeps its key, headers and the value's size, and says where the
     * value is, for as long as that topic retains it.
     */
    private static ProducerRecord<Object, Object> withoutValue(ProducerRecord<Object, Object> out, ConsumerRecord<?, ?> in) {
        Headers headers = errorHeaders(out);
        DeadLetterHeaders.noteValueLeftOut(headers, in.serializedValueSize(), in.topic());
        return new ProducerRecord<>(out.topic(), out.partition(), out.key(), null, headers);
    }

    /** The failure itself, without the wrappers of the listener, the container and the deserializer. */
    static Throwable cause(Throwable e) {
        Throwable t = e;
        // The listener's wrappers, and the deserializer's, which says only "failed to deserialize".
        while ((t instanceof BatchListenerFailedException || t instanceof DeserializationException
                || t.getClass().getName().startsWith("org.springframework.kafka.listener."))
                && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static ExponentialBackOff exponential(Duration initial, Duration max, int attempts) {
        ExponentialBackOff backOff = new ExponentialBackOff(initial.toMillis(), 2.0);
        backOff.setMaxInterval(max.toMillis());
        backOff.setMaxAttempts(attempts);
        return backOff;
    }

    /**
     * The listener of one feed: stores each batch, and tells the error handler which record failed
     * (records before it are stored, their offsets committed).
     */
    static final class Feed<V> {

        private final String name;
        private final Store<V> store;
        private final Counter stored;
        private final Map<Failures, Counter> deadLettered = new HashMap<>();
        private final Counter retries;
        private final Counter deadLetterFailuresCount;

        Feed(String name, Store<V> store, MeterRegistry registry) {
            this.name = name;
            this.store = store;
            this.stored = Counter.builder("ipt.admin.consumer.stored").tag("consumer", name)
                    .description("Records stored from a topic").register(registry);
            for (Failures kind : Failures.values()) {
                deadLettered.put(kind, Counter.builder("ipt.admin.consumer.dead.lettered").tag("consumer", name)
                        .tag("failure", kind.name().toLowerCase(Locale.ROOT))
                        .description("Records sent to a dead-letter topic, by kind of failure (permanent: unreadable "
                                + "or refused by the store; unknown: failed after retries)")
                        .register(registry));
            }
            this.retries = Counter.builder("ipt.admin.consumer.retries").tag("consumer", name)
                    .description("Failed attempts to store a batch (each is retried or dead-lettered)").register(registry);
            this.deadLetterFailuresCount = Counter.builder("ipt.admin.consumer.dead.letter.failures").tag("consumer", name)
                    .description("Dead letters that could not be written (the record waits and is tried again)").register(registry);
        }

        <K> void onBatch(List<ConsumerRecord<K, V>> records) {
            List<V> values = new ArrayList<>(records.size());
            for (int i = 0; i < records.size(); i++) {
                ConsumerRecord<K, V> record = records.get(i);
                if (record.value() == null) {
                    // Store what came before, then let the error handler dead-letter this one.
                    store(values);
                    throw new BatchListenerFailedException("unreadable record", unreadable(record), i);
                }
                values.add(record.value());
            }
            store(values);
        }

        /** Stores {@code values}, the batch's first records, or says which of them failed. */
        private void store(List<V> values) {
            if (values.isEmpty()) {
                return;
            }
            try {
                store.store(values);
                stored.increment(values.size());
                return;
            } catch (RuntimeException e) {
                if (Failures.of(e) != Failures.PERMANENT || values.size() == 1) {
                    throw new BatchListenerFailedException("could not store " + values.size() + " records", e, 0);
                }
            }
            // One of them is refused for good: find it, storing those before it one by one.
            for (int i = 0; i < values.size(); i++) {
                try {
                    store.store(List.of(values.get(i)));
                    stored.increment();
                } catch (RuntimeException e) {
                    throw new BatchListenerFailedException("could not store record", e, i);
                }
            }
        }

        private static Exception unreadable(ConsumerRecord<?, ?> record) {
            DeserializationException e = SerializationUtils.getExceptionFromHeader(record,
                    SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG_ACCESSOR);
            return e != null ? e : new RecordRefusedException("a record without a value (a tombstone) on a topic of events");
        }

        void deadLettered(Failures kind) {
            deadLettered.get(kind).increment();
        }

        /** Records whose dead letter could not be written, by topic, partition and offset; a few at most. */
        private final Set<String> deadLetterFailures = ConcurrentHashMap.newKeySet();

        void deadLetterFailed(ConsumerRecord<?, ?> record, Exception failure) {
            if (deadLetterFailures.add(where(record))) {
                log.error("Feed {}: the dead letter of {} could not be written; the record waits and is tried again: {}", name,
                        where(record), DeadLetterHeaders.forLog(cause(failure)));
            }
            deadLetterFailuresCount.increment();
        }

        boolean deadLetterFailed(ConsumerRecord<?, ?> record) {
            return deadLetterFailures.contains(where(record));
        }

        void deadLettered(ConsumerRecord<?, ?> record) {
            deadLetterFailures.remove(where(record));
        }

        private static String where(ConsumerRecord<?, ?> record) {
            return record.topic() + "-" + record.partition() + "@" + record.offset();
        }

        void failed(Exception e, int attempt) {
            retries.increment();
            if (Failures.of(e) != Failures.PERMANENT) {
                log.warn("Feed {}: attempt {} failed, retrying: {}", name, attempt, DeadLetterHeaders.forLog(cause(e)));
            }
        }
    }
}
