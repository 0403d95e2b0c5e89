package io.iptracking.admin.reports;

import io.iptracking.admin.flags.FlagStore;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The reports over the request log (exact, within its retention) and the hourly aggregates (by the
 * hour, kept longer). Clients are shown at the precision the log stores them: prefixes by default.
 */
public final class Reports {

    /**
     * Totals for a time range.
     *
     * @param uniqueClients distinct stored client values: prefixes when the log truncates
     * @param sensitive requests to sensitive paths
     */
    public record Summary(Instant from, Instant to, long requests, long uniqueClients, long blocked, long rateLimited,
            long allowlisted, long sensitive, long flagged) {
    }

    /** One client (an IP or a prefix, as stored) and its traffic. */
    public record ClientCount(String client, long requests, long blocked, long rateLimited, Instant lastSeen) {
    }

    /** One country ({@code ""} when unknown) and its traffic. */
    public record CountryCount(String countryCode, long requests, long blocked) {
    }

    /** One hour of traffic. */
    public record HourCount(Instant hour, long requests, long blocked, long rateLimited, long sensitive) {
    }

    /** One sensitive path and who asked for it. */
    public record PathCount(String path, long requests, long clients, long refused, Instant lastSeen) {
    }

    private final JdbcClient jdbc;
    private final FlagStore flags;

    public Reports(JdbcClient jdbc, FlagStore flags) {
        this.jdbc = jdbc;
        this.flags = flags;
    }

    public Summary summary(Instant from, Instant to) {
        return jdbc.sql("""
                        select count(*) as requests, count(distinct client) as clients,
                               count(*) filter (where decision = 'BLOCKED') as blocked,
                               count(*) filter (where decision = 'RATE_LIMITED') as rate_limited,
                               count(*) filter (where decision = 'ALLOWLISTED') as allowlisted,
                               count(*) filter (where sensitive) as sensitive
                        from request_log where ts >= :from and ts < :to""")
                .param("from", Timestamp.from(from)).param("to", Timestamp.from(to))
                .query((rs, n) -> new Summary(from, to, rs.getLong("requests"), rs.getLong("clients"), rs.getLong("blocked"),
                        rs.getLong("rate_limited"), rs.getLong("allowlisted"), rs.getLong("sensitive"),
                        flags.countBetween(from, to)))
                .single();
    }

    public List<ClientCount> topClients(Instant from, Instant to, int limit) {
        return jdbc.sql("""
                        select client::text as client, count(*) as requests,
                               count(*) filter (where decision = 'BLOCKED') as blocked,
                               count(*) filter (where decision = 'RATE_LIMITED') as rate_limited, max(ts) as last_seen
                        from request_log where ts >= :from and ts < :to
                        group by client order by requests desc, client limit :limit""")
                .param("from", Timestamp.from(from)).param("to", Timestamp.from(to)).param("limit", limit)
                .query((rs, n) -> new ClientCount(rs.getString("client"), rs.getLong("requests"), rs.getLong("blocked"),
                        rs.getLong("rate_limited"), rs.getTimestamp("last_seen").toInstant()))
                .list();
    }

    public List<CountryCount> topCountries(Instant from, Instant to, int limit) {
        return jdbc.sql("""
                        select country_code, sum(requests) as requests,
                               coalesce(sum(requests) filter (where decision = 'BLOCKED'), 0) as blocked
                        from request_hourly where hour >= date_trunc('hour', cast(:from as timestamptz), 'UTC') and hour < :to
                        group by country_code order by requests desc, country_code limit :limit""")
                .param("from", Timestamp.from(from)).param("to", Timestamp.from(to)).param("limit", limit)
                .query((rs, n) -> new CountryCount(rs.getString("country_code"), rs.getLong("requests"), rs.getLong("blocked")))
                .list();
    }

    public List<HourCount> traffic(Instant from, Instant to) {
        return jdbc.sql("""
                        select hour, sum(requests) as requests,
                               coalesce(sum(requests) filter (where decision = 'BLOCKED'), 0) as blocked,
                               coalesce(sum(requests) filter (where decision = 'RATE_LIMITED'), 0) as rate_limited,
                               coalesce(sum(requests) filter (where sensitive), 0) as sensitive
                        from request_hourly where hour >= date_trunc('hour', cast(:from as timestamptz), 'UTC') and hour < :to
                        group by hour order by hour""")
                .param("from", Timestamp.from(from)).param("to", Timestamp.from(to))
                .query((rs, n) -> new HourCount(rs.getTimestamp("hour").toInstant(), rs.getLong("requests"), rs.getLong("blocked"),
                        rs.getLong("rate_limited"), rs.getLong("sensitive")))
                .list();
    }

    public List<PathCount> sensitivePaths(Instant from, Instant to, int limit) {
        return jdbc.sql("""
                        select path, count(*) as requests, count(distinct client) as clients,
                               count(*) filter (where decision in ('BLOCKED', 'RATE_LIMITED')) as refused, max(ts) as last_seen
                        from request_log where sensitive and ts >= :from and ts < :to
                        group by path order by requests desc, path limit :limit""")
                .param("from", Timestamp.from(from)).param("to", Timestamp.from(to)).param("limit", limit)
                .query((rs, n) -> new PathCount(rs.getString("path"), rs.getLong("requests"), rs.getLong("clients"),
                        rs.getLong("refused"), rs.getTimestamp("last_seen").toInstant()))
                .list();
    }
}
