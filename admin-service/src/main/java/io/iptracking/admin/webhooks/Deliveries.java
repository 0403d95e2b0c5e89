package io.iptracking.admin.webhooks;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code webhook_message} and {@code webhook_delivery} tables: each event once, and its delivery to
 * each endpoint that wants it, from queued to delivered or dead. Callers own the transactions; each
 * method here is one statement or a few.
 */
public final class Deliveries {

    /** The channel a queued message notifies at commit; the dispatcher listens on it. */
    public static final String CHANNEL = "ipt_webhooks";

    public enum Status {
        PENDING,
        DELIVERED,
        DEAD
    }

    /** A delivery the dispatcher took: what to send, where, and how many attempts this one makes. */
    public record Due(long id, String messageId, EventType type, String payload, Instant retryFrom, int attempt, long endpointId,
            String url, String secret) {

        @Override
        public String toString() {
            return "Due[" + messageId + " to endpoint " + endpointId + ", attempt " + attempt + "]";
        }
    }

    /** A delivery as the API shows it. */
    public record View(long id, String webhookId, String eventType, Status status, int attempts, Instant createdAt,
            Instant lastAttemptAt, Integer lastStatus, String lastError, Instant nextAttemptAt, Instant deliveredAt, String payload) {
    }

    private final JdbcClient jdbc;

    public Deliveries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One event to queue: its type, its own id (a flag's) or null for a new one, and the body every endpoint gets. */
    public record Event(EventType type, UUID id, String payload) {
    }

    /**
     * Queues events for every live endpoint that wants their type, in the caller's transaction: nothing
     * for a type no endpoint wants, nor for a message of an id that exists (a redelivered flag). The
     * endpoints are read {@code for share}: an endpoint deleted meanwhile either waits for this
     * transaction (and then drops what it queued) or is not queued for.
     *
     * @return how many messages were queued
     */
    public int enqueue(List<Event> events, Instant now) {
        if (events.isEmpty()) {
            return 0;
        }
        Set<String> wanted = new HashSet<>(jdbc.sql("select distinct unnest(event_types) from webhook_endpoint where deleted_at is null")
                .query(String.class).list());
        int queued = 0;
        for (Event event : events) {
            if (!wanted.contains(event.type().wireName())) {
                continue;
            }
            String id = "msg_" + (event.id() != null ? event.id() : UUID.randomUUID());
            int inserted = jdbc.sql("insert into webhook_message (id, event_type, payload, created_at) values (:id, :type, :payload, :now) "
                            + "on conflict (id) do nothing")
                    .param("id", id).param("type", event.type().wireName()).param("payload", event.payload())
                    .param("now", Timestamp.from(now)).update();
            if (inserted == 0) {
                continue;
            }
            jdbc.sql("insert into webhook_delivery (message_id, endpoint_id, status, retry_from, next_attempt_at) "
                            + "select :id, e.id, 'PENDING', :now, :now from webhook_endpoint e "
                            + "where e.deleted_at is null and :type = any (e.event_types) for share")
                    .param("id", id).param("type", event.type().wireName()).param("now", Timestamp.from(now)).update();
            queued++;
        }
        if (queued > 0) {
            // Delivered at commit, and only then; several in one transaction are folded into one.
            jdbc.sql("select pg_notify('" + CHANNEL + "', '')").query((rs, n) -> 1).list();
        }
        return queued;
    }

    /**
     * Takes due deliveries of live endpoints not in {@code busy}: one of each endpoint before a second
     * of any, the longest waiting first, up to {@code perEndpoint} of each and {@code limit} in all;
     * rows another dispatcher is taking are skipped. Each is leased until {@code leaseUntil}: no one
     * takes it meanwhile, and it is taken again if this dispatcher is lost.
     */
    public List<Due> take(Instant now, Instant leaseUntil, int perEndpoint, int limit, Long[] busy) {
        return jdbc.sql("""
                        with due as (
                            select d.id, row_number() over (partition by e.id order by d.next_attempt_at, d.id) as turn,
                                d.next_attempt_at
                            from webhook_endpoint e cross join lateral (
                                select id, next_attempt_at from webhook_delivery
                                where endpoint_id = e.id and status = 'PENDING' and next_attempt_at <= :now
                                order by next_attempt_at, id limit :perEndpoint
                                for update skip locked) d
                            where e.deleted_at is null and e.id <> all (:busy)
                            order by turn, d.next_attempt_at
                            limit :limit)
                        update webhook_delivery w set next_attempt_at = :lease, attempts = w.attempts + 1, last_attempt_at = :now
                        from webhook_message m, webhook_endpoint e
                        where w.id in (select id from due) and w.status = 'PENDING'
                          and m.id = w.message_id and e.id = w.endpoint_id
                        returning w.id, w.message_id, m.event_type, m.payload, w.retry_from, w.attempts, e.id as endpoint_id, e.url, e.secret
                        """)
                .param("now", Timestamp.from(now)).param("lease", Timestamp.from(leaseUntil)).param("perEndpoint", perEndpoint)
                .param("limit", limit).param("busy", busy)
                .query((rs, n) -> new Due(rs.getLong("id"), rs.getString("message_id"),
                        EventType.ofWireName(rs.getString("event_type")).orElseThrow(), rs.getString("payload"),
                        rs.getTimestamp("retry_from").toInstant(), rs.getInt("attempts"), rs.getLong("endpoint_id"),
                        rs.getString("url"), rs.getString("secret")))
                .list();
    }

    /** The attempt {@code due} made got a 2xx; nothing when the delivery was taken again meanwhile (its lease ran out). */
    public void delivered(Due due, int httpStatus, Instant now) {
        jdbc.sql("update webhook_delivery set status = 'DELIVERED', delivered_at = :now, last_status = :code, last_error = null, "
                        + "next_attempt_at = null where id = :id and status = 'PENDING' and attempts = :attempt")
                .param("id", due.id()).param("attempt", due.attempt()).param("code", httpStatus).param("now", Timestamp.from(now))
                .update();
    }

    /**
     * The attempt {@code due} made failed: tried again at {@code nextAttempt}, or dead when that is null.
     *
     * @return false when the delivery was taken again meanwhile (its lease ran out), and nothing was recorded
     */
    public boolean failed(Due due, Integer httpStatus, String error, Instant nextAttemptOrNull) {
        return jdbc.sql("update webhook_delivery set last_status = :code, last_error = left(:error, 500), next_attempt_at = :next, "
                        + "status = case when cast(:next as timestamptz) is null then 'DEAD' else 'PENDING' end "
                        + "where id = :id and status = 'PENDING' and attempts = :attempt")
                .param("id", due.id()).param("attempt", due.attempt()).param("code", httpStatus).param("error", error)
                .param("next", nextAttemptOrNull == null ? null : Timestamp.from(nextAttemptOrNull)).update() > 0;
    }

    /**
     * Deliveries whose retries are over without an attempt left to make them so (their endpoint was held
     * back, or its dispatchers were busy): dead now, unless leased to an attempt in flight.
     *
     * @return how many
     */
    public int expire(Instant now, Duration retryFor) {
        return jdbc.sql("update webhook_delivery set status = 'DEAD', next_attempt_at = null, "
                        + "last_error = left(coalesce(last_error || '; ', '') || 'retries ended without an attempt', 500) "
                        + "where status = 'PENDING' and next_attempt_at <= :now and retry_from < :cutoff")
                .param("now", Timestamp.from(now)).param("cutoff", Timestamp.from(now.minus(retryFor))).update();
    }

    /** Drops what waits for deleted endpoints (queued while one was being deleted, say). */
    public int dropForDeletedEndpoints() {
        return jdbc.sql("delete from webhook_delivery d using webhook_endpoint e where e.id = d.endpoint_id "
                        + "and e.deleted_at is not null and d.status = 'PENDING'").update();
    }

    /** A dead delivery of this endpoint is tried again from now, with a new schedule and the same webhook-id. False when there is none. */
    public boolean retry(long endpointId, long deliveryId, Instant now) {
        return jdbc.sql("update webhook_delivery set status = 'PENDING', attempts = 0, retry_from = :now, next_attempt_at = :now "
                        + "where id = :id and endpoint_id = :endpoint and status = 'DEAD' "
                        + "and exists (select 1 from webhook_endpoint where id = :endpoint and deleted_at is null for share)")
                .param("id", deliveryId).param("endpoint", endpointId).param("now", Timestamp.from(now)).update() > 0;
    }

    /** When the next pending delivery of a live endpoint not in {@code busy} is due, if any. */
    public Optional<Instant> nextDue(Long[] busy) {
        return jdbc.sql("select min(d.next_attempt_at) from webhook_delivery d join webhook_endpoint e on e.id = d.endpoint_id "
                        + "where d.status = 'PENDING' and e.deleted_at is null and e.id <> all (:busy)")
                .param("busy", busy).query((rs, n) -> Optional.ofNullable(rs.getTimestamp(1)).map(Timestamp::toInstant)).single();
    }

    public long count(Status status) {
        return jdbc.sql("select count(*) from webhook_delivery where status = :status").param("status", status.name())
                .query(Long.class).single();
    }

    public List<View> page(long endpointId, Status statusOrNull, int page, int size) {
        return jdbc.sql("select d.id, d.message_id, m.event_type, d.status, d.attempts, m.created_at, d.last_attempt_at, d.last_status, "
                        + "d.last_error, d.next_attempt_at, d.delivered_at, m.payload from webhook_delivery d "
                        + "join webhook_message m on m.id = d.message_id where d.endpoint_id = :endpoint "
                        + "and (cast(:status as text) is null or d.status = :status) order by d.id desc limit :limit offset :offset")
                .param("endpoint", endpointId).param("status", statusOrNull == null ? null : statusOrNull.name())
                .param("limit", size).param("offset", (long) page * size).query(Deliveries::view).list();
    }

    public long count(long endpointId, Status statusOrNull) {
        return jdbc.sql("select count(*) from webhook_delivery where endpoint_id = :endpoint "
                        + "and (cast(:status as text) is null or status = :status)")
                .param("endpoint", endpointId).param("status", statusOrNull == null ? null : statusOrNull.name())
                .query(Long.class).single();
    }

    /** Removes every message whose payload names the IP ({@code pattern}, as in erasure), with its deliveries. */
    public int erase(String pattern) {
        return jdbc.sql("delete from webhook_message where payload ~* :p").param("p", pattern).update();
    }

    /** Removes messages made before {@code cutoff} that no delivery waits for any more (retention). */
    public int deleteFinishedBefore(Instant cutoff) {
        return jdbc.sql("delete from webhook_message m where m.created_at < :cutoff "
                        + "and not exists (select 1 from webhook_delivery d where d.message_id = m.id and d.status = 'PENDING')")
                .param("cutoff", Timestamp.from(cutoff)).update();
    }

    private static View view(ResultSet rs, int row) throws SQLException {
        int code = rs.getInt("last_status");
        Integer lastStatus = rs.wasNull() ? null : code;
        return new View(rs.getLong("id"), rs.getString("message_id"), rs.getString("event_type"), Status.valueOf(rs.getString("status")),
                rs.getInt("attempts"), instant(rs, "created_at"), instant(rs, "last_attempt_at"), lastStatus, rs.getString("last_error"),
                instant(rs, "next_attempt_at"), instant(rs, "delivered_at"), rs.getString("payload"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
