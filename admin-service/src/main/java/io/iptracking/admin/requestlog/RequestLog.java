package io.iptracking.admin.requestlog;

import io.iptracking.common.ip.Cidr;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Reads and erases the request log by client (at the precision it is stored). */
public final class RequestLog {

    /**
     * What the log holds about one client since a moment.
     *
     * @param client the stored client value: the IP's prefix when the log truncates
     * @param byDecision requests per edge decision
     * @param topPaths the most requested paths, with counts
     */
    public record Activity(String client, Instant since, long requests, Instant lastSeen, Map<String, Long> byDecision,
            Map<String, Long> topPaths) {
    }

    private final JdbcClient jdbc;

    public RequestLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Activity activity(Cidr client, Instant since) {
        Map<String, Long> byDecision = new LinkedHashMap<>();
        jdbc.sql("select decision, count(*) as n from request_log where client = cast(:client as cidr) and ts >= :since "
                        + "group by decision order by n desc")
                .param("client", client.toString()).param("since", Timestamp.from(since))
                .query(rs -> {
                    byDecision.put(rs.getString("decision"), rs.getLong("n"));
                });
        Map<String, Long> topPaths = new LinkedHashMap<>();
        jdbc.sql("select path, count(*) as n from request_log where client = cast(:client as cidr) and ts >= :since "
                        + "group by path order by n desc, path limit 5")
                .param("client", client.toString()).param("since", Timestamp.from(since))
                .query(rs -> {
                    topPaths.put(rs.getString("path"), rs.getLong("n"));
                });
        Timestamp last = jdbc.sql("select max(ts) from request_log where client = cast(:client as cidr) and ts >= :since")
                .param("client", client.toString()).param("since", Timestamp.from(since))
                .query((rs, n) -> Optional.ofNullable(rs.getTimestamp(1))).single().orElse(null);
        long total = byDecision.values().stream().mapToLong(Long::longValue).sum();
        return new Activity(client.toString(), since, total, last == null ? null : last.toInstant(), byDecision, topPaths);
    }

    /** Rows stored for exactly this client value. */
    public long count(Cidr client) {
        return jdbc.sql("select count(*) from request_log where client = cast(:client as cidr)")
                .param("client", client.toString()).query(Long.class).single();
    }

    /** Deletes the rows stored for exactly this client value; returns how many. */
    public int delete(Cidr client) {
        return jdbc.sql("delete from request_log where client = cast(:client as cidr)").param("client", client.toString()).update();
    }

    /** Hourly aggregates older than {@code cutoff} are removed; returns how many rows. */
    public int deleteHourlyBefore(Instant cutoff) {
        return jdbc.sql("delete from request_hourly where hour < :cutoff").param("cutoff", Timestamp.from(cutoff)).update();
    }

    /** Every row still in the log, for tests and operators checking retention. */
    public long size() {
        return jdbc.sql("select count(*) from request_log").query(Long.class).single();
    }

}
