package io.iptracking.streams;

import io.iptracking.common.kafka.DeadLetterHeaders;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a Streams application's records go when one of them fails for good, and how many did: Kafka
 * Streams' three exception handlers, configured by {@link StreamsSetup}, each writing the record as it
 * was read (the source's key and value bytes) to the dead-letter topic with the error in
 * {@link DeadLetterHeaders}, in the same exactly-once transaction as the rest of the task's output,
 * and going on with the next record:
 *
 * <ul>
 *   <li>{@link Deserialization}: a record the source's serdes cannot read (bad JSON, a broken contract);
 *   <li>{@link Processing}: a record a processor throws on;
 *   <li>{@link Production}: an output record Kafka refuses for its size, or one that cannot be
 *       serialized. Other production errors stop the stream thread, which is replaced and resumes from
 *       the last commit (the broker's errors pass; a record's do not come back).
 * </ul>
 *
 * One instance per application, passed to the handlers through the Streams configuration
 * ({@value #CONFIG}), counts them: {@code ipt_streams_dead_lettered_total{stage}}.
 */
public final class DeadLetters implements MeterBinder {

    /** The Streams configuration key under which the handlers find this instance. */
    static final String CONFIG = "ipt.streams.dead-letters";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final LongAdder deserialization = new LongAdder();
    private final LongAdder processing = new LongAdder();
    private final LongAdder production = new LongAdder();

    /** Records dead-lettered so far, at every stage. */
    public long total() {
        return deserialization.sum() + processing.sum() + production.sum();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        bind(registry, "deserialization", deserialization);
        bind(registry, "processing", processing);
        bind(registry, "production", production);
    }

    private static void bind(MeterRegistry registry, String stage, LongAdder count) {
        FunctionCounter.builder("ipt.streams.dead.lettered", count, LongAdder::sum).tag("stage", stage)
                .description("Records sent to the dead-letter topic, by where they failed: reading, processing, or writing")
                .register(registry);
    }

    /**
     * The dead-letter record of the record being processed: its source key and value bytes as they were
     * read, the error in the headers; no record when the application has no dead-letter topic.
     */
    static List<ProducerRecord<byte[], byte[]>> deadLetter(String topic, ErrorHandlerContext context, Exception e,
            LongAdder count, String stage) {
        count.increment();
        log.warn("Dead-lettered {}-{}@{} ({}) to {}: {}", context.topic(), context.partition(), context.offset(), stage, topic,
                DeadLetterHeaders.forLog(e));
        if (topic == null) {
            return List.of();
        }
        Headers headers = DeadLetterHeaders.of(e, context.topic(), context.partition(), context.offset());
        // The record's own headers are left out: they may be large, or forge the error headers above.
        byte[] value = context.sourceRawValue();
        if (value != null && value.length > DeadLetterHeaders.MAX_VALUE_BYTES) {
            // Larger than the dead-letter topic may take: a dead letter that cannot be written would fail
            // the transaction, and the record would be read again and again.
            DeadLetterHeaders.noteValueLeftOut(headers, value.length, context.topic());
            value = null;
        }
        return List.of(new ProducerRecord<>(topic, null, context.timestamp(), context.sourceRawKey(), value, headers));
    }

    /** What every handler takes from the configuration: the topic and the counts. */
    private abstract static class Handler {

        String topic;
        DeadLetters counts = new DeadLetters();

        public void configure(Map<String, ?> configs) {
            Object t = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
            topic = t == null || t.toString().isBlank() ? null : t.toString();
            if (configs.get(CONFIG) instanceof DeadLetters d) {
                counts = d;
            }
        }
    }

    /** A record that cannot be read: dead-lettered, and the task goes on. */
    public static final class Deserialization extends Handler implements DeserializationExceptionHandler {
        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception e) {
            return Response.resume(deadLetter(topic, context, e, counts.deserialization, "unreadable"));
        }
    }

    /** A record a processor threw on: dead-lettered, and the task goes on. */
    public static final class Processing extends Handler implements ProcessingExceptionHandler {
        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
            return Response.resume(deadLetter(topic, context, e, counts.processing, "processing"));
        }
    }

    /**
     * An output record Kafka refuses for its size, or one that cannot be serialized: the input record
     * that made it is dead-lettered, and the task goes on. Any other error fails the stream thread.
     */
    public static final class Production extends Handler implements ProductionExceptionHandler {
        @Override
        public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception e) {
            if (record.topic().equals(topic)) {
                // A dead letter that cannot be written is not dead-lettered again.
                return Response.fail();
            }
            if (e instanceof RecordTooLargeException) {
                return Response.resume(deadLetter(topic, context, e, counts.production, "output too large for " + record.topic()));
            }
            return Response.fail();
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception e,
                SerializationExceptionOrigin origin) {
            return Response.resume(deadLetter(topic, context, e, counts.production, "output not serializable"));
        }
    }
}
