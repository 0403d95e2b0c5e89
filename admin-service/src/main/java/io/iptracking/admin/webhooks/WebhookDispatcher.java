package io.iptracking.admin.webhooks;

import io.iptracking.admin.postgres.Notifications;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the due deliveries, from every admin instance at once without sending one twice at the same
 * time: each instance leases what it takes ({@link Deliveries#take}); a lease outlives the longest
 * attempt, so that a delivery whose instance was lost is taken again after it, with the same
 * webhook-id. Wakes at once when a message is queued (LISTEN/NOTIFY, as the blocklist relay), when an
 * attempt ends, and when the next retry is due.
 *
 * <p>One slow or failing endpoint cannot hold back the others: at most {@code concurrency} attempts run
 * at once, at most {@link #PER_ENDPOINT} to one endpoint, each endpoint's longest-waiting delivery is
 * taken before a second of any, and an endpoint whose attempts failed is held back (no attempt to it
 * from this instance) for the retry interval of its failures in a row, then tried again. Deliveries
 * whose retry time ran out while their endpoint was held back are dead without an attempt.
 */
public final class WebhookDispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    /** Attempts in flight to one endpoint, at most (one pass may add up to this many to those running). */
    static final int PER_ENDPOINT = 4;
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration WHILE_SENDING = Duration.ofMillis(100);
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);
    private static final Duration COUNT_EVERY = Duration.ofSeconds(5);
    private static final Duration CLEAN_EVERY = Duration.ofHours(1);

    private final Deliveries deliveries;
    private final WebhookSender sender;
    private final Retries retries;
    private final Clock clock;
    private final Duration lease;
    private final Duration keep;
    private final Semaphore slots;
    /** Released by each attempt that ends, so that the dispatcher takes the next at once. */
    private final Semaphore attemptEnded = new Semaphore(0);
    private final int concurrency;
    private final Map<Long, Integer> inFlight = new ConcurrentHashMap<>();
    /** Endpoints held back after failures in a row: until when, and how many. */
    private final Map<Long, Hold> held = new ConcurrentHashMap<>();
    private final ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();
    private final Counter delivered;
    private final Counter failed;
    private final Counter deadLettered;
    private final Timer delay;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private final Notifications notifications;
    private final Thread thread;
    private volatile boolean running;
    private Instant nextCount = Instant.MIN;
    private Instant nextClean = Instant.MIN;

    public WebhookDispatcher(DataSource dataSource, Deliveries deliveries, WebhookSender sender, Retries retries, Clock clock,
            Duration timeout, int concurrency, Duration keep, MeterRegistry registry) {
        this.deliveries = deliveries;
        this.sender = sender;
        this.retries = retries;
        this.clock = clock;
        // Longer than any attempt (the sender's deadline) and the time to record its outcome.
        this.lease = timeout.multipliedBy(2).plusSeconds(30);
        this.keep = keep;
        this.concurrency = concurrency;
        this.slots = new Semaphore(concurrency);
        this.delivered = Counter.builder("ipt.admin.webhook.attempts").tag("outcome", "delivered")
                .description("Webhook delivery attempts, by outcome (delivered: a 2xx answer)").register(registry);
        this.failed = Counter.builder("ipt.admin.webhook.attempts").tag("outcome", "failed")
                .description("Webhook delivery attempts, by outcome (delivered: a 2xx answer)").register(registry);
        this.deadLettered = Counter.builder("ipt.admin.webhook.dead.lettered")
                .description("Webhook deliveries whose retries ended without a 2xx answer (dead, shown by the API)").register(registry);
        this.delay = Timer.builder("ipt.admin.webhook.delivery.delay")
                .description("Time from an event (or a retry asked for) to its delivery's 2xx answer")
                .publishPercentiles(0.5, 0.99).register(registry);
        Gauge.builder("ipt.admin.webhook.pending", pending, AtomicLong::get)
                .description("Webhook deliveries waiting for an attempt or a retry (as of the last count, every 5 s)")
                .register(registry);
        Gauge.builder("ipt.admin.webhook.dead", dead, AtomicLong::get)
                .description("Dead webhook deliveries kept (as of the last count, every 5 s)").register(registry);
        this.notifications = new Notifications(dataSource, Deliveries.CHANNEL);
        this.thread = Thread.ofPlatform().name("webhook-dispatcher").daemon().unstarted(this::run);
    }

    public void start() {
        running = true;
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                notifications.listen();
                dispatchDue();
                housekeeping();
                awaitWork();
            } catch (RuntimeException | SQLException e) {
                if (!running) {
                    break;
                }
                log.warn("Webhook dispatch pass failed, retrying in {}: {}", ERROR_BACKOFF, e.toString());
                notifications.close();
                if (!Notifications.pause(ERROR_BACKOFF)) {
                    running = false;
                }
            }
        }
        notifications.close();
    }

    private record Hold(int failures, Instant until) {
    }

    /**
     * Endpoints not to take from now: those with attempts in flight (a batch of at most
     * {@link #PER_ENDPOINT} ends before the next), and those held back after failures.
     */
    private Long[] busy(Instant now) {
        Set<Long> busy = new HashSet<>(inFlight.keySet());
        held.forEach((endpoint, hold) -> {
            if (hold.until().isAfter(now)) {
                busy.add(endpoint);
            }
        });
        return busy.toArray(Long[]::new);
    }

    private void dispatchDue() {
        int free = slots.availablePermits();
        if (free == 0) {
            return;
        }
        Instant now = clock.instant();
        List<Deliveries.Due> taken = deliveries.take(now, now.plus(lease), PER_ENDPOINT, free, busy(now));
        for (Deliveries.Due due : taken) {
            slots.acquireUninterruptibly();
            inFlight.merge(due.endpointId(), 1, Integer::sum);
            attempts.execute(() -> attempt(due));
        }
    }

    private void attempt(Deliveries.Due due) {
        try {
            WebhookSender.Outcome outcome = sender.send(due);
            Instant now = clock.instant();
            switch (outcome) {
                case WebhookSender.Outcome.Delivered d -> {
                    held.remove(due.endpointId());
                    deliveries.delivered(due, d.status(), now);
                    delivered.increment();
                    delay.record(Duration.between(due.retryFrom(), now));
                }
                case WebhookSender.Outcome.Failed f -> {
                    Hold hold = held.merge(due.endpointId(), new Hold(1, now.plus(retries.interval(1))),
                            (old, first) -> new Hold(old.failures() + 1, now.plus(retries.interval(old.failures() + 1))));
                    Instant next = retries.next(due.attempt(), due.retryFrom(), now);
                    if (next != null && next.isBefore(hold.until())) {
                        next = hold.until();
                    }
                    failed.increment();
                    if (deliveries.failed(due, f.status(), f.error(), next) && next == null) {
                        deadLettered.increment();
                        log.warn("Webhook {} to endpoint {} is dead after {} attempts: {}", due.messageId(), due.endpointId(),
                                due.attempt(), f.error());
                    }
                }
            }
        } catch (RuntimeException e) {
            // The outcome could not be recorded: the lease runs out and the delivery is sent again, same webhook-id.
            log.warn("Webhook {} to endpoint {}: outcome not recorded, sent again after its lease: {}", due.messageId(),
                    due.endpointId(), e.toString());
        } finally {
            inFlight.computeIfPresent(due.endpointId(), (k, n) -> n <= 1 ? null : n - 1);
            slots.release();
            attemptEnded.release();
        }
    }

    private void housekeeping() {
        Instant now = clock.instant();
        if (!now.isBefore(nextCount)) {
            deliveries.dropForDeletedEndpoints();
            int expired = deliveries.expire(now, retries.retryFor());
            if (expired > 0) {
                deadLettered.increment(expired);
                log.warn("Webhooks: {} deliveries are dead, their retry time over while their endpoint was held back", expired);
            }
            held.values().removeIf(hold -> hold.until().isBefore(now.minus(retries.retryFor())));
            pending.set(deliveries.count(Deliveries.Status.PENDING));
            dead.set(deliveries.count(Deliveries.Status.DEAD));
            nextCount = now.plus(COUNT_EVERY);
        }
        if (!now.isBefore(nextClean)) {
            int removed = deliveries.deleteFinishedBefore(now.minus(keep));
            if (removed > 0) {
                log.info("Webhooks: removed {} messages older than {} with no delivery pending", removed, keep);
            }
            nextClean = now.plus(CLEAN_EVERY);
        }
    }

    private void awaitWork() throws SQLException {
        Instant now = clock.instant();
        if (slots.availablePermits() < concurrency) {
            // Attempts in flight: wake when one ends (its endpoint may have more), or soon to take what came meanwhile.
            try {
                if (attemptEnded.tryAcquire(WHILE_SENDING.toMillis(), TimeUnit.MILLISECONDS)) {
                    attemptEnded.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
            return;
        }
        attemptEnded.drainPermits();
        Instant wake = now.plus(POLL);
        Instant due = deliveries.nextDue(busy(now)).orElse(null);
        if (due != null && due.isBefore(wake)) {
            wake = due;
        }
        for (Hold hold : held.values()) {
            if (hold.until().isAfter(now) && hold.until().isBefore(wake)) {
                wake = hold.until();
            }
        }
        notifications.await(Duration.between(now, wake));
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
            attempts.shutdown();
            attempts.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        attempts.shutdownNow();
    }
}
