package io.iptracking.admin.lists;

import io.iptracking.admin.audit.AuditLog;
import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.ip.Cidr;
import io.iptracking.admin.web.InvalidFieldException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The only way the block and allow lists change: from the API, the command line, the auto-block
 * policy and the expiry sweep alike. Each change updates the table, queues the topic record in the
 * outbox and writes the audit record, all in one transaction, and tells its {@link Listener} there too
 * (webhooks queue their events in the same transaction: a change is never told without being made, nor
 * made without being told).
 */
public final class ListChanges {

    /** Told of each change inside its transaction; throwing rolls the change back. */
    public interface Listener {

        /** How an entry ended. */
        enum Ending {
            /** Removed through the API or the command line. */
            REMOVED,
            /** Its expiry came. */
            EXPIRED
        }

        void created(StoredEntry entry, Instant now);

        void ended(StoredEntry entry, Ending ending, String actor, Instant now);

        Listener NONE = new Listener() {
            @Override
            public void created(StoredEntry entry, Instant now) {
            }

            @Override
            public void ended(StoredEntry entry, Ending ending, String actor, Instant now) {
            }
        };
    }

    /** The actor of changes the service makes by itself. */
    public static final String SYSTEM_ACTOR = "system";

    private final ListEntries entries;
    private final Outbox outbox;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Listener listener;

    public ListChanges(ListEntries entries, Outbox outbox, AuditLog audit, TransactionTemplate tx, Clock clock, Listener listener) {
        this.entries = entries;
        this.outbox = outbox;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * Adds an entry and queues its record.
     *
     * @throws EntryExistsException when a live entry has exactly this CIDR (an entry whose expiry has
     *     passed but not yet been swept is expired here first, and does not count)
     */
    public StoredEntry create(NewEntry request) {
        try {
            return createOnce(request);
        } catch (org.springframework.dao.DuplicateKeyException e) {
            // A concurrent create of the same CIDR committed first; this transaction was rolled back.
            throw new EntryExistsException(entries.findLive(request.cidr()).orElseThrow(() -> e));
        }
    }

    private StoredEntry createOnce(NewEntry request) {
        return tx.execute(status -> {
            Instant now = now();
            Optional<StoredEntry> existing = entries.findLiveForUpdate(request.cidr());
            if (existing.isPresent()) {
                if (existing.get().entry().isActiveAt(now)) {
                    throw new EntryExistsException(existing.get());
                }
                // Due but not swept yet: the new record replaces it on the topic, so no tombstone.
                entries.markExpired(existing.get().id());
                audit.record(now, SYSTEM_ACTOR, AuditLog.Action.ENTRY_EXPIRED, request.cidr().toString(),
                        existing.get().entry(), null);
                listener.ended(existing.get(), Listener.Ending.EXPIRED, SYSTEM_ACTOR, now);
            }
            Instant expiresAt = request.lifetime() != null ? now.plus(request.lifetime()).truncatedTo(ChronoUnit.MICROS)
                    : request.expiresAt() == null ? null : request.expiresAt().truncatedTo(ChronoUnit.MICROS);
            if (expiresAt != null && !expiresAt.isAfter(now)) {
                throw new InvalidFieldException("expiresAt", "is not in the future");
            }
            ListEntry entry = new ListEntry(request.cidr(), request.action(), request.reason(), request.source(),
                    request.actor(), now, expiresAt);
            StoredEntry stored = entries.insert(entry);
            outbox.append(entry.cidr(), entry, now);
            audit.record(now, request.actor(), AuditLog.Action.ENTRY_CREATED, entry.cidr().toString(), null, entry);
            listener.created(stored, now);
            return stored;
        });
    }

    /**
     * Removes an entry of {@code action}'s list and queues its tombstone.
     *
     * @throws EntryNotFoundException when that list has no entry with this id
     */
    public StoredEntry delete(ListAction action, long id, String actor) {
        return tx.execute(status -> {
            StoredEntry existing = entries.findForUpdate(id).filter(e -> e.entry().action() == action)
                    .orElseThrow(() -> new EntryNotFoundException("no " + listName(action) + " entry with id " + id));
            remove(existing, actor);
            return existing;
        });
    }

    /**
     * Removes the live entry of exactly {@code cidr} from {@code action}'s list (the command line's
     * unblock).
     *
     * @throws EntryNotFoundException when there is none
     */
    public StoredEntry delete(ListAction action, Cidr cidr, String actor) {
        return tx.execute(status -> {
            StoredEntry existing = entries.findLiveForUpdate(cidr).filter(e -> e.entry().action() == action)
                    .orElseThrow(() -> new EntryNotFoundException("no " + listName(action) + " entry for " + cidr));
            remove(existing, actor);
            return existing;
        });
    }

    private void remove(StoredEntry existing, String actor) {
        Instant now = now();
        entries.delete(existing.id());
        if (!existing.expired()) {
            outbox.append(existing.entry().cidr(), null, now);
        }
        audit.record(now, actor, AuditLog.Action.ENTRY_DELETED, existing.entry().cidr().toString(), existing.entry(), null);
        if (!existing.expired()) {
            // An entry whose expiry was swept ended then; removing its history ends nothing.
            listener.ended(existing, Listener.Ending.REMOVED, actor, now);
        }
    }

    /**
     * Marks entries whose expiry has come as expired and queues their tombstones, at most
     * {@code limit} at a time; returns how many.
     */
    public int expireDue(int limit) {
        Integer n = tx.execute(status -> {
            Instant now = now();
            List<StoredEntry> due = entries.dueForUpdate(now, limit);
            for (StoredEntry e : due) {
                entries.markExpired(e.id());
                outbox.append(e.entry().cidr(), null, now);
                audit.record(now, SYSTEM_ACTOR, AuditLog.Action.ENTRY_EXPIRED, e.entry().cidr().toString(), e.entry(), null);
                listener.ended(e, Listener.Ending.EXPIRED, SYSTEM_ACTOR, now);
            }
            return due.size();
        });
        return n == null ? 0 : n;
    }

    /** The table keeps microseconds: entries are made at that precision so the topic and the table agree. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    static String listName(ListAction action) {
        return action == ListAction.BLOCK ? "block" : "allow";
    }
}
