package io.iptracking.admin.lists;

import io.iptracking.common.event.ListAction;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.event.ListSource;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The {@code list_entry} table. Callers own the transaction. */
public final class ListEntries {

    static final String COLUMNS = "id, cidr::text as cidr, action, reason, source, created_by, created_at, expires_at, expired";

    static final RowMapper<StoredEntry> ROW = ListEntries::map;

    private final JdbcClient jdbc;

    public ListEntries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    StoredEntry insert(ListEntry e) {
        return jdbc.sql("insert into list_entry (cidr, action, reason, source, created_by, created_at, expires_at) "
                        + "values (cast(:cidr as cidr), :action, :reason, :source, :createdBy, :createdAt, :expiresAt) "
                        + "returning " + COLUMNS)
                .param("cidr", e.cidr().toString())
                .param("action", e.action().name())
                .param("reason", e.reason())
                .param("source", e.source().name())
                .param("createdBy", e.createdBy())
                .param("createdAt", ts(e.createdAt()))
                .param("expiresAt", ts(e.expiresAt()))
                .query(ROW).single();
    }

    /** The live (not yet swept) entry of exactly this CIDR, locked for the caller's transaction. */
    Optional<StoredEntry> findLiveForUpdate(Cidr cidr) {
        return jdbc.sql("select " + COLUMNS + " from list_entry where cidr = cast(:cidr as cidr) and not expired for update")
                .param("cidr", cidr.toString()).query(ROW).optional();
    }

    Optional<StoredEntry> findLive(Cidr cidr) {
        return jdbc.sql("select " + COLUMNS + " from list_entry where cidr = cast(:cidr as cidr) and not expired")
                .param("cidr", cidr.toString()).query(ROW).optional();
    }

    /** Removes the expired entries for exactly this range (their history); live ones stay. */
    public int deleteExpired(Cidr cidr) {
        return jdbc.sql("delete from list_entry where cidr = cast(:cidr as cidr) and expired").param("cidr", cidr.toString()).update();
    }

    /**
     * Replaces an IP by its pseudonym in every entry's reason (an auto-block's reason quotes the flag's,
     * which may name addresses), keeping the reason within the table's limit.
     *
     * @param pattern the IP in free text ({@code Pseudonyms.textPattern})
     * @return entries changed
     */
    public int pseudonymizeReasons(String pattern, String pseudonym) {
        return jdbc.sql("update list_entry set reason = left(regexp_replace(reason, :p, :r, 'gi'), 500) where reason ~* :p")
                .param("p", pattern).param("r", pseudonym).update();
    }

    public Optional<StoredEntry> find(long id) {
        return jdbc.sql("select " + COLUMNS + " from list_entry where id = :id").param("id", id).query(ROW).optional();
    }

    Optional<StoredEntry> findForUpdate(long id) {
        return jdbc.sql("select " + COLUMNS + " from list_entry where id = :id for update").param("id", id).query(ROW).optional();
    }

    void delete(long id) {
        jdbc.sql("delete from list_entry where id = :id").param("id", id).update();
    }

    void markExpired(long id) {
        jdbc.sql("update list_entry set expired = true where id = :id").param("id", id).update();
    }

    /** Live entries whose expiry has come, oldest first, locked; others skip them. */
    List<StoredEntry> dueForUpdate(Instant now, int limit) {
        return jdbc.sql("select " + COLUMNS + " from list_entry where not expired and expires_at <= :now "
                        + "order by expires_at limit :limit for update skip locked")
                .param("now", ts(now)).param("limit", limit).query(ROW).list();
    }

    /** The next expiry of a live entry, if any: the relay wakes up for it. */
    public Optional<Instant> nextExpiry() {
        return jdbc.sql("select min(expires_at) from list_entry where not expired")
                .query((rs, n) -> Optional.ofNullable(rs.getTimestamp(1)).map(Timestamp::toInstant)).single();
    }

    /**
     * Every entry whose expiry has not been swept: what the topic must hold. (One that is due but
     * not yet swept is still on the topic until the sweep tombstones it; the edges ignore it already.)
     */
    public List<StoredEntry> live() {
        return jdbc.sql("select " + COLUMNS + " from list_entry where not expired").query(ROW).list();
    }

    /**
     * A fingerprint of the live entries that changes whenever one is made, removed, expired by the
     * sweep or changed (its reason, its end): for caches of what the lists say.
     */
    public record Version(long live, long fingerprint, long lastId) {
    }

    public Version version() {
        return jdbc.sql("select count(*) as live, coalesce(sum(hashtext(reason || ':' || coalesce(expires_at::text, ''))), 0) as fp, "
                        + "(select coalesce(max(id), 0) from list_entry) as last_id from list_entry where not expired")
                .query((rs, n) -> new Version(rs.getLong("live"), rs.getLong("fp"), rs.getLong("last_id"))).single();
    }

    /** Active entries whose range contains {@code ip}, most specific first. */
    public List<StoredEntry> activeContaining(ClientIp ip, Instant now) {
        return activeContaining(ip.toCidr(), now);
    }

    /** Active entries whose range contains the whole of {@code range}, most specific first. */
    public List<StoredEntry> activeContaining(Cidr range, Instant now) {
        return jdbc.sql("select " + COLUMNS + " from list_entry where cidr >>= cast(:range as cidr) and not expired "
                        + "and (expires_at is null or expires_at > :now) order by masklen(cidr) desc, id")
                .param("range", range.toString()).param("now", ts(now)).query(ROW).list();
    }

    /** One page of a list, newest first. */
    public List<StoredEntry> page(ListAction action, ListFilter filter, Instant now, int page, int size) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from list_entry where action = :action");
        List<Object[]> params = new ArrayList<>();
        params.add(new Object[] {"action", action.name()});
        where(filter, now, sql, params);
        sql.append(" order by created_at desc, id desc limit :limit offset :offset");
        JdbcClient.StatementSpec spec = jdbc.sql(sql.toString());
        for (Object[] p : params) {
            spec = spec.param((String) p[0], p[1]);
        }
        return spec.param("limit", size).param("offset", (long) page * size).query(ROW).list();
    }

    public long count(ListAction action, ListFilter filter, Instant now) {
        StringBuilder sql = new StringBuilder("select count(*) from list_entry where action = :action");
        List<Object[]> params = new ArrayList<>();
        params.add(new Object[] {"action", action.name()});
        where(filter, now, sql, params);
        JdbcClient.StatementSpec spec = jdbc.sql(sql.toString());
        for (Object[] p : params) {
            spec = spec.param((String) p[0], p[1]);
        }
        return spec.query(Long.class).single();
    }

    private static void where(ListFilter filter, Instant now, StringBuilder sql, List<Object[]> params) {
        switch (filter.status()) {
            case ACTIVE -> {
                sql.append(" and not expired and (expires_at is null or expires_at > :now)");
                params.add(new Object[] {"now", ts(now)});
            }
            case EXPIRED -> {
                sql.append(" and (expired or expires_at <= :now)");
                params.add(new Object[] {"now", ts(now)});
            }
            case ALL -> {
                // no condition
            }
        }
        if (filter.source() != null) {
            sql.append(" and source = :source");
            params.add(new Object[] {"source", filter.source().name()});
        }
        if (filter.containing() != null) {
            sql.append(" and cidr >>= cast(:ip as inet)");
            params.add(new Object[] {"ip", filter.containing().toString()});
        }
    }

    static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static StoredEntry map(ResultSet rs, int row) throws SQLException {
        Timestamp expires = rs.getTimestamp("expires_at");
        ListEntry entry = new ListEntry(Cidr.parse(rs.getString("cidr")), ListAction.valueOf(rs.getString("action")),
                rs.getString("reason"), ListSource.valueOf(rs.getString("source")), rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant(), expires == null ? null : expires.toInstant());
        return new StoredEntry(rs.getLong("id"), entry, rs.getBoolean("expired"));
    }
}
