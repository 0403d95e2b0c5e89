package io.iptracking.ingest.events;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.ip.ClientNetwork;
import io.iptracking.common.kafka.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * Publishes request events to Kafka without ever making a request wait. A request thread only offers
 * the event to a queue bounded in events and in bytes; one sender thread hands events to an idempotent
 * producer, which may block while Kafka is unreachable and its own buffer is full. When the queue is
 * full too, new events are dropped and counted. Nothing else is ever lost: the producer retries what it accepted until its
 * delivery timeout, and an event it gives up on for a reason that may pass (the broker away, no
 * metadata yet: a retriable error) goes back into the queue. Only events Kafka refuses for good
 * (too large, not authorised) count as failed.
 *
 * <p>Each event is keyed by its client network ({@link ClientNetwork#keyOf}: an IPv4 address, the
 * first address of an IPv6 /64), not by its full IP, which the value carries: every address of one
 * /64 then lands in the same partition, so detection counts per network without repartitioning.
 *
 * <p>The sender drains the queue every {@link #IDLE_WAIT} when it finds it empty instead of waiting
 * on it: a waiting consumer would make every request thread wake it (a futex call and a context
 * switch per request); the producer lingers longer than that anyway.
 */
public final class KafkaEventPublisher implements EventPublisher, AutoCloseable, MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(KafkaEventPublisher.class);
    private static final int BATCH = 512;
    private static final Duration IDLE_WAIT = Duration.ofMillis(2);

    private final Topic<ClientIp, RequestEvent> topic;
    private final DefaultKafkaProducerFactory<ClientIp, RequestEvent> producers;
    private final BlockingQueue<RequestEvent> queue;
    private final long maxQueuedBytes;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Thread sender;
    private final LongAdder sent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder requeued = new LongAdder();
    /** True from the first requeued event until Kafka acknowledges one again: one log line each way. */
    private final AtomicBoolean requeueing = new AtomicBoolean();
    private volatile boolean running = true;

    /**
     * @param producerConfig at least {@code bootstrap.servers} (Spring Boot's {@code spring.kafka.*}, as
     *     {@code KafkaProperties.buildProducerProperties()} gives them); reliability settings are added here
     * @param queueCapacity events held while the producer cannot take them
     * @param maxQueuedBytes estimated bytes of those events ({@link #estimatedBytes}) held at most
     */
    public KafkaEventPublisher(Topic<ClientIp, RequestEvent> topic, Map<String, Object> producerConfig, int queueCapacity,
            long maxQueuedBytes) {
        this.topic = topic;
        this.producers = new DefaultKafkaProducerFactory<>(withReliability(producerConfig),
                topic.keySerde().serializer(), topic.valueSerde().serializer());
        // Made now, so that bad settings fail the start-up rather than the sender thread.
        producers.createProducer();
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.maxQueuedBytes = maxQueuedBytes;
        this.sender = Thread.ofPlatform().name("request-event-sender").daemon().start(this::sendLoop);
    }

    static Map<String, Object> withReliability(Map<String, Object> config) {
        Map<String, Object> all = new HashMap<>(config);
        all.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        all.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        // Fewer, larger batches: the per-request cost of the producer and the broker falls with the
        // number of produce requests, and 10 ms more on the way to detection does not matter.
        all.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 10);
        all.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 131_072);
        all.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // The sender thread may block this long when Kafka is away and the producer buffer is full;
        // the queue in front absorbs the requests meanwhile.
        all.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        all.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "ingest-request-events");
        return all;
    }

    @Override
    public void publish(RequestEvent event) {
        if (!running || !enqueue(event)) {
            dropped.increment();
        }
    }

    /** Queues the event if both bounds allow it. */
    private boolean enqueue(RequestEvent event) {
        long bytes = estimatedBytes(event);
        if (queuedBytes.addAndGet(bytes) > maxQueuedBytes) {
            queuedBytes.addAndGet(-bytes);
            return false;
        }
        if (!queue.offer(event)) {
            queuedBytes.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    /**
     * What an event costs the heap while it waits, roughly: the objects around it and two bytes a
     * character of its strings (the path, host and User-Agent a client chooses are the part that varies).
     */
    static long estimatedBytes(RequestEvent e) {
        return 320 + 2L * (length(e.method()) + length(e.host()) + length(e.path()) + length(e.userAgent())
                + length(e.subject()) + length(e.rule()));
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    private void sendLoop() {
        List<RequestEvent> batch = new ArrayList<>(BATCH);
        while (running || !queue.isEmpty()) {
            queue.drainTo(batch, BATCH);
            if (batch.isEmpty()) {
                LockSupport.parkNanos(IDLE_WAIT.toNanos());
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                continue;
            }
            // Asked for each batch: the factory's shared producer closes itself after an error it cannot
            // recover from (an out-of-order sequence, say), and the factory then makes a new one.
            Producer<ClientIp, RequestEvent> producer = producers.createProducer();
            for (RequestEvent event : batch) {
                queuedBytes.addAndGet(-estimatedBytes(event));
                send(producer, event);
            }
            batch.clear();
        }
    }

    private void send(Producer<ClientIp, RequestEvent> producer, RequestEvent event) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), ClientNetwork.keyOf(event.ip()), event), (metadata, error) -> {
                if (error == null) {
                    sent.increment();
                    if (requeueing.get() && requeueing.compareAndSet(true, false)) {
                        log.info("Kafka takes request events again ({} queued again meanwhile)", requeued.sum());
                    }
                } else if (error instanceof RetriableException && running) {
                    requeue(event, error);
                } else {
                    failed.increment();
                    log.warn("Request event not delivered to {}: {}", topic.name(), error.toString());
                }
            });
        } catch (RuntimeException e) {
            failed.increment();
            log.warn("Request event refused by the producer: {}", e.toString());
        }
    }

    /** Runs on the producer's I/O thread: must not block, so a full queue drops the event. */
    private void requeue(RequestEvent event, Exception error) {
        requeued.increment();
        if (!enqueue(event)) {
            dropped.increment();
        }
        if (requeueing.compareAndSet(false, true)) {
            log.warn("Kafka did not take request events ({}); they are queued again until it does", error.toString());
        }
    }

    /** Events handed back to the queue after a retriable error (Kafka away); each is sent again. */
    public long requeued() {
        return requeued.sum();
    }

    /** Events acknowledged by Kafka. */
    /** {@code ipt_edge_events_*}: what became of the request events, and what waits. */
    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("ipt.edge.events.sent", this, KafkaEventPublisher::sent)
                .description("Request events acknowledged by Kafka").register(registry);
        FunctionCounter.builder("ipt.edge.events.dropped", this, KafkaEventPublisher::dropped)
                .description("Request events dropped because Kafka was away for too long").register(registry);
        FunctionCounter.builder("ipt.edge.events.failed", this, KafkaEventPublisher::failed)
                .description("Request events Kafka refused with an error that retrying cannot fix").register(registry);
        FunctionCounter.builder("ipt.edge.events.requeued", this, KafkaEventPublisher::requeued)
                .description("Request events queued again after Kafka did not take them (broker away)").register(registry);
        Gauge.builder("ipt.edge.events.queued", this, KafkaEventPublisher::queued)
                .description("Request events waiting for the producer").register(registry);
        Gauge.builder("ipt.edge.events.queued.bytes", this, KafkaEventPublisher::queuedBytes)
                .description("Estimated bytes of the request events waiting for the producer").register(registry);
    }

    public long sent() {
        return sent.sum();
    }

    /** Events dropped because the queue was full (Kafka slow or away for long). */
    public long dropped() {
        return dropped.sum();
    }

    /** Events Kafka refused with an error that retrying cannot fix. */
    public long failed() {
        return failed.sum();
    }

    public int queued() {
        return queue.size();
    }

    /** Estimated bytes of the queued events. */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    /** Sends what is queued (bounded by {@code timeout}), then closes the producer. */
    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    public void close(Duration timeout) {
        running = false;
        try {
            sender.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The factory's shared producer closes with the factory, waiting at most this long for what it holds.
        producers.setPhysicalCloseTimeout((int) Math.max(1, timeout.toSeconds()));
        producers.destroy();
    }
}
