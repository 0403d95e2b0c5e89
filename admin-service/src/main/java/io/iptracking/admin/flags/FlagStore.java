package io.iptracking.admin.flags;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.Severity;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.json.Json;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The {@code flagged_ip} table: every flag received, as history per IP. */
public final class FlagStore {

    /**
     * A stored flag as the API shows it.
     *
     * @param network the client network the rule counted; null when it counted the single address
     * @param evidence and geo as published, JSON
     */
    public record FlagView(UUID flagId, String ip, String network, FlagRule rule, String reason, Severity severity,
            double score, Instant windowStart, Instant windowEnd, long requestCount, JsonNode evidence, JsonNode geo,
            Instant detectedAt, Instant receivedAt) {
    }

    /**
     * Which flags to show.
     *
     * @param ip only this IP; null for all
     * @param network only IPs in this range; null for all
     * @param rule only this rule; null for all
     * @param minSeverity this severity or higher; null for all
     * @param since detected at or after; null for no bound
     * @param until detected before; null for no bound
     */
    public record Filter(ClientIp ip, Cidr network, FlagRule rule, Severity minSeverity, Instant since, Instant until) {

        public static Filter ofIp(ClientIp ip) {
            return new Filter(ip, null, null, null, null, null);
        }
    }

    /** The order of a page of flags: newest first, or highest score or severity first (then newest). */
    public enum Order {
        DETECTED("detected_at desc, flag_id"),
        SCORE("score desc, detected_at desc, flag_id"),
        SEVERITY("case severity when 'CRITICAL' then 4 when 'HIGH' then 3 when 'MEDIUM' then 2 else 1 end desc, detected_at desc, flag_id");

        private final String sql;

        Order(String sql) {
            this.sql = sql;
        }
    }

    private static final String COLUMNS = "flag_id, host(ip) as ip, network::text as network, rule, reason, severity, score, "
            + "window_start, window_end, request_count, evidence::text as evidence, geo::text as geo, detected_at, received_at";

    private final JdbcTemplate jdbcTemplate;
    private final JdbcClient jdbc;

    public FlagStore(JdbcTemplate jdbcTemplate, JdbcClient jdbc) {
        this.jdbcTemplate = jdbcTemplate;
        this.jdbc = jdbc;
    }

    /** Stores the flags not seen before (by flag id) and returns those. */
    public List<FlaggedIp> insertNew(List<FlaggedIp> flags, Instant receivedAt) {
        List<Object[]> rows = new ArrayList<>(flags.size());
        for (FlaggedIp f : flags) {
            rows.add(new Object[] {f.flagId(), f.ip().toString(), f.network() == null ? null : f.network().toString(),
                    f.rule().name(), f.reason(), f.severity().name(), f.score(), Timestamp.from(f.windowStart()),
                    Timestamp.from(f.windowEnd()), f.requestCount(),
                    Json.mapper().writeValueAsString(f.evidence()), Json.mapper().writeValueAsString(f.geo()),
                    Timestamp.from(f.detectedAt()), Timestamp.from(receivedAt)});
        }
        int[] counts = jdbcTemplate.batchUpdate("insert into flagged_ip (flag_id, ip, network, rule, reason, severity, score, "
                + "window_start, window_end, request_count, evidence, geo, detected_at, received_at) values "
                + "(?, cast(? as inet), cast(? as cidr), ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb), ?, ?) "
                + "on conflict (flag_id) do nothing", rows);
        List<FlaggedIp> inserted = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                inserted.add(flags.get(i));
            }
        }
        return inserted;
    }

    public List<FlagView> page(Filter filter, int page, int size) {
        return page(filter, Order.DETECTED, page, size);
    }

    public List<FlagView> page(Filter filter, Order order, int page, int size) {
        Query q = where(filter);
        JdbcClient.StatementSpec spec = jdbc.sql("select " + COLUMNS + " from flagged_ip" + q.sql
                + " order by " + order.sql + " limit :limit offset :offset");
        for (Object[] p : q.params) {
            spec = spec.param((String) p[0], p[1]);
        }
        return spec.param("limit", size).param("offset", (long) page * size).query((rs, n) -> new FlagView(
                rs.getObject("flag_id", UUID.class), rs.getString("ip"), rs.getString("network"),
                FlagRule.valueOf(rs.getString("rule")), rs.getString("reason"), Severity.valueOf(rs.getString("severity")),
                rs.getDouble("score"), rs.getTimestamp("window_start").toInstant(), rs.getTimestamp("window_end").toInstant(),
                rs.getLong("request_count"), Json.mapper().readTree(rs.getString("evidence")),
                Json.mapper().readTree(rs.getString("geo")), rs.getTimestamp("detected_at").toInstant(),
                rs.getTimestamp("received_at").toInstant())).list();
    }

    public long count(Filter filter) {
        Query q = where(filter);
        JdbcClient.StatementSpec spec = jdbc.sql("select count(*) from flagged_ip" + q.sql);
        for (Object[] p : q.params) {
            spec = spec.param((String) p[0], p[1]);
        }
        return spec.query(Long.class).single();
    }

    /** Removes every flag of exactly this IP; returns how many. */
    public int deleteIp(ClientIp ip) {
        return jdbc.sql("delete from flagged_ip where ip = cast(:ip as inet)").param("ip", ip.toString()).update();
    }

    /** Removes flags detected before {@code cutoff}; returns how many. */
    public int deleteDetectedBefore(Instant cutoff) {
        return jdbc.sql("delete from flagged_ip where detected_at < :cutoff").param("cutoff", Timestamp.from(cutoff)).update();
    }

    /** Flags detected in {@code [from, to)}. */
    public long countBetween(Instant from, Instant to) {
        return jdbc.sql("select count(*) from flagged_ip where detected_at >= :from and detected_at < :to")
                .param("from", Timestamp.from(from)).param("to", Timestamp.from(to)).query(Long.class).single();
    }

    private record Query(String sql, List<Object[]> params) {
    }

    private static Query where(Filter f) {
        List<String> conditions = new ArrayList<>();
        List<Object[]> params = new ArrayList<>();
        if (f.ip() != null) {
            conditions.add("ip = cast(:ip as inet)");
            params.add(new Object[] {"ip", f.ip().toString()});
        }
        if (f.network() != null) {
            conditions.add("ip <<= cast(:network as inet)");
            params.add(new Object[] {"network", f.network().toString()});
        }
        if (f.rule() != null) {
            conditions.add("rule = :rule");
            params.add(new Object[] {"rule", f.rule().name()});
        }
        if (f.minSeverity() != null) {
            Set<String> levels = java.util.Arrays.stream(Severity.values())
                    .filter(s -> s.compareTo(f.minSeverity()) >= 0).map(Enum::name).collect(Collectors.toSet());
            conditions.add("severity in (:severities)");
            params.add(new Object[] {"severities", levels});
        }
        if (f.since() != null) {
            conditions.add("detected_at >= :since");
            params.add(new Object[] {"since", Timestamp.from(f.since())});
        }
        if (f.until() != null) {
            conditions.add("detected_at < :until");
            params.add(new Object[] {"until", Timestamp.from(f.until())});
        }
        return new Query(conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions), params);
    }
}
