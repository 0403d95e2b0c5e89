package io.iptracking.admin.lists;

import io.iptracking.admin.postgres.Notifications;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.ip.Cidr;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes the outbox to the blocklist topic, tombstones entries as they expire, and reconciles the
 * topic with the table.
 *
 * <p>A committed change wakes the relay at once through PostgreSQL's LISTEN/NOTIFY (the change
 * notifies in its own transaction, so the notification arrives exactly at commit, from any process:
 * this service, another instance, the command line). The relay also wakes every poll interval, in
 * case a notification was lost with its connection, and exactly when the next entry expires.
 *
 * <p>One relay at a time across every instance: each pass holds a transaction-scoped advisory lock,
 * and the outbox rows are deleted only after Kafka acknowledged them (at-least-once; republishing a
 * record of a compacted topic is harmless). Reconciliation holds the same lock, so no relay pass
 * interleaves with its repairs; changes committed during it are published after it, and win.
 */
public final class BlocklistRelay implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BlocklistRelay.class);

    /** Advisory lock key shared by every relay and reconciler ("iptblkl" in ASCII). */
    static final long LOCK_KEY = 0x697074626c6b6cL;
    private static final int BATCH = 500;
    private static final Duration ERROR_BACKOFF = Duration.ofSeconds(1);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Outbox outbox;
    private final ListEntries entries;
    private final ListChanges changes;
    private final BlocklistTopic topic;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration reconcileInterval;
    private final Counter published;
    private final Counter relayErrors;
    private final Timer outboxDelay;
    private final Map<Reconciliation.Kind, Counter> repairs = new EnumMap<>(Reconciliation.Kind.class);
    private final AtomicLong pending = new AtomicLong();
    private final AtomicReference<Instant> lastReconciled = new AtomicReference<>();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final Notifications notifications;
    private final Thread thread;
    private volatile boolean running;

    public BlocklistRelay(DataSource dataSource, JdbcClient jdbc, TransactionTemplate tx, Outbox outbox,
            ListEntries entries, ListChanges changes, BlocklistTopic topic, Clock clock, Duration pollInterval,
            Duration reconcileInterval, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
        this.entries = entries;
        this.changes = changes;
        this.topic = topic;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.reconcileInterval = reconcileInterval;
        this.published = Counter.builder("ipt.admin.blocklist.published")
                .description("Records and tombstones acknowledged by the blocklist topic").register(registry);
        this.relayErrors = Counter.builder("ipt.admin.blocklist.relay.errors")
                .description("Relay or reconciliation passes that failed and will be retried").register(registry);
        this.outboxDelay = Timer.builder("ipt.admin.blocklist.outbox.delay")
                .description("Time from a list change's commit to its acknowledgement by the topic")
                .publishPercentiles(0.5, 0.99).register(registry);
        for (Reconciliation.Kind kind : Reconciliation.Kind.values()) {
            repairs.put(kind, Counter.builder("ipt.admin.blocklist.reconcile.repairs").tag("kind", kind.name().toLowerCase())
                    .description("Records republished because the topic differed from the table").register(registry));
        }
        this.notifications = new Notifications(dataSource, Outbox.CHANNEL);
        this.thread = Thread.ofPlatform().name("blocklist-relay").daemon().unstarted(this::run);
    }

    public void start() {
        running = true;
        thread.start();
    }

    private void run() {
        try {
            topic.prepare();
        } catch (RuntimeException e) {
            log.warn("Blocklist topic not reachable yet ({}); the relay retries as it publishes", e.toString());
        }
        Instant nextReconcile = clock.instant();
        Instant nextExpiry = clock.instant();
        while (running) {
            try {
                notifications.listen();
                // Publishing first: it is what a waiting operator (and the edges) notice.
                drain();
                if (nextExpiry != null && !nextExpiry.isAfter(clock.instant())) {
                    while (changes.expireDue(BATCH) == BATCH) {
                        // more were due
                    }
                    drain();
                }
                if (!clock.instant().isBefore(nextReconcile)) {
                    reconcile();
                    nextReconcile = clock.instant().plus(reconcileInterval);
                }
                lastError.set(null);
                nextExpiry = entries.nextExpiry().orElse(null);
                awaitWork(nextReconcile, nextExpiry);
            } catch (RuntimeException | SQLException e) {
                if (!running) {
                    break;
                }
                relayErrors.increment();
                lastError.set(e.toString());
                try {
                    pending.set(outbox.pending());
                } catch (RuntimeException ignored) {
                    // the database is what failed
                }
                log.warn("Blocklist relay pass failed, retrying in {}: {}", ERROR_BACKOFF, e.toString());
                notifications.close();
                nextExpiry = clock.instant();
                if (!Notifications.pause(ERROR_BACKOFF)) {
                    running = false;
                }
            }
        }
        notifications.close();
    }

    private void awaitWork(Instant nextReconcile, Instant expiry) throws SQLException {
        Instant now = clock.instant();
        Instant wake = now.plus(pollInterval);
        if (nextReconcile.isBefore(wake)) {
            wake = nextReconcile;
        }
        if (expiry != null && expiry.isBefore(wake)) {
            wake = expiry;
        }
        notifications.await(Duration.between(now, wake));
    }

    /**
     * Publishes every pending change, in order, unless another relay holds the lock.
     *
     * @return how many were published, or -1 if another relay is publishing
     */
    public int drain() {
        Integer n = tx.execute(status -> {
            if (!tryLock()) {
                return -1;
            }
            return drainLocked();
        });
        return n == null ? 0 : n;
    }

    private int drainLocked() {
        int total = 0;
        while (true) {
            List<Outbox.Change> batch = outbox.oldest(BATCH);
            if (batch.isEmpty()) {
                pending.set(0);
                return total;
            }
            topic.publish(batch);
            outbox.deleteUpTo(batch.getLast().id());
            published.increment(batch.size());
            total += batch.size();
            Instant now = clock.instant();
            for (Outbox.Change c : batch) {
                if (c.createdAt() != null) {
                    outboxDelay.record(Duration.between(c.createdAt(), now));
                }
            }
            if (batch.size() < BATCH) {
                pending.set(0);
                return total;
            }
        }
    }

    /**
     * Makes the topic equal to the table: publishes whatever is pending, reads the topic to its end,
     * and republishes missing or different entries and tombstones extra ones. Waits for the lock.
     *
     * @return the repairs made
     */
    public List<Reconciliation.Repair> reconcile() {
        List<Reconciliation.Repair> done = tx.execute(status -> {
            jdbc.sql("select pg_advisory_xact_lock(:key)").param("key", LOCK_KEY).query((rs, n) -> 1).list();
            drainLocked();
            BlocklistTopic.Snapshot snapshot = topic.read();
            Map<Cidr, ListEntry> table = new LinkedHashMap<>();
            for (StoredEntry e : entries.live()) {
                table.put(e.entry().cidr(), e.entry());
            }
            // Changes committed since the drain above are published by the relay after this pass.
            List<Reconciliation.Repair> plan = Reconciliation.plan(table, snapshot, outbox.pendingCidrs());
            if (!plan.isEmpty()) {
                topic.publish(plan.stream().map(Reconciliation.Repair::toChange).toList());
                plan.forEach(r -> repairs.get(r.kind()).increment());
                log.warn("Reconciled {}: {} record(s) republished ({})", "the blocklist topic", plan.size(),
                        plan.stream().map(r -> r.kind() + " " + r.cidr()).toList());
            }
            return plan;
        });
        lastReconciled.set(clock.instant());
        return done;
    }

    private boolean tryLock() {
        return Boolean.TRUE.equals(jdbc.sql("select pg_try_advisory_xact_lock(:key)").param("key", LOCK_KEY)
                .query(Boolean.class).single());
    }

    /** Changes not yet published, as of the last pass. */
    public long pending() {
        return pending.get();
    }

    public Instant lastReconciled() {
        return lastReconciled.get();
    }

    public String lastError() {
        return lastError.get();
    }



    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
