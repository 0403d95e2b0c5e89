package io.iptracking.admin.audit;

import io.iptracking.common.json.Json;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The {@code audit_log} table: every list change and erasure, with who did it, when, and the state
 * before and after (as JSON). Written in the transaction of the change, so a change and its record
 * stand or fall together.
 */
public final class AuditLog {

    /** What happened. */
    public enum Action {
        ENTRY_CREATED,
        ENTRY_DELETED,
        ENTRY_EXPIRED,
        DATA_ERASED,
        BOUNCER_ADDED,
        BOUNCER_REVOKED,
        WEBHOOK_ADDED,
        WEBHOOK_DELETED
    }

    /** One audit record. */
    public record Record(long id, Instant at, String actor, Action action, String subject, JsonNode before, JsonNode after) {
    }

    private final JdbcClient jdbc;

    public AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param subject what the change is about (a CIDR, an IP)
     * @param before the state before, or null; written as JSON
     * @param after the state after, or null
     */
    public void record(Instant at, String actor, Action action, String subject, Object before, Object after) {
        jdbc.sql("insert into audit_log (at, actor, action, subject, before, after) "
                        + "values (:at, :actor, :action, :subject, cast(:before as jsonb), cast(:after as jsonb))")
                .param("at", Timestamp.from(at)).param("actor", actor).param("action", action.name())
                .param("subject", subject).param("before", json(before)).param("after", json(after))
                .update();
    }

    /**
     * Replaces an IP by its pseudonym wherever the log names it: a record's subject, and the entries
     * before and after the change it records.
     *
     * @param pattern the IP in free text ({@code Pseudonyms.textPattern})
     * @return records changed
     */
    public int pseudonymize(String pattern, String pseudonym) {
        return jdbc.sql("update audit_log set subject = regexp_replace(subject, :p, :r, 'gi'), "
                        + "before = cast(regexp_replace(before::text, :p, :r, 'gi') as jsonb), "
                        + "after = cast(regexp_replace(after::text, :p, :r, 'gi') as jsonb) "
                        + "where subject ~* :p or before::text ~* :p or after::text ~* :p")
                .param("p", pattern).param("r", pseudonym).update();
    }

    /** Removes the records older than {@code cutoff} (retention). */
    public int deleteBefore(Instant cutoff) {
        return jdbc.sql("delete from audit_log where at < :cutoff").param("cutoff", Timestamp.from(cutoff)).update();
    }

    /** The newest records first, optionally only those about one subject. */
    public List<Record> newest(String subjectOrNull, int page, int size) {
        String where = subjectOrNull == null ? "" : " where subject = :subject";
        JdbcClient.StatementSpec spec = jdbc.sql("select id, at, actor, action, subject, before::text as before, "
                + "after::text as after from audit_log" + where + " order by id desc limit :limit offset :offset");
        if (subjectOrNull != null) {
            spec = spec.param("subject", subjectOrNull);
        }
        return spec.param("limit", size).param("offset", (long) page * size)
                .query((rs, n) -> new Record(rs.getLong("id"), rs.getTimestamp("at").toInstant(), rs.getString("actor"),
                        Action.valueOf(rs.getString("action")), rs.getString("subject"),
                        tree(rs.getString("before")), tree(rs.getString("after"))))
                .list();
    }

    public long count(String subjectOrNull) {
        return subjectOrNull == null ? jdbc.sql("select count(*) from audit_log").query(Long.class).single()
                : jdbc.sql("select count(*) from audit_log where subject = :subject").param("subject", subjectOrNull)
                        .query(Long.class).single();
    }

    private static String json(Object value) {
        return value == null ? null : Json.mapper().writeValueAsString(value);
    }

    private static JsonNode tree(String json) {
        return json == null ? null : Json.mapper().readTree(json);
    }
}
