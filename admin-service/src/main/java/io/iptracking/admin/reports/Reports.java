package io.iptracking.admin.reports;

import io.iptracking.admin.flags.FlagStore;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

    /** How finely a timeline is cut: per minute (from the request log) or per hour (from the hourly aggregates). */
    public enum Step {
        MINUTE(Duration.ofMinutes(1)),
        HOUR(Duration.ofHours(1));

        private final Duration length;

        Step(Duration length) {
            this.length = length;
        }

        public Duration length() {
            return length;
        }

        String unit() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One step of traffic: its start, and what the edge decided in it. Every step of the range is listed, empty ones too. */
    public record TrafficStep(Instant at, long requests, long blocked, long rateLimited, long allowlisted, long sensitive) {
    }

    /** One step of flags: its start, and the flags detected in it by rule (rules with none are left out). */
    public record FlagStep(Instant at, long flags, Map<String, Long> byRule) {
    }

    /** One autonomous system (0 when unknown) and its traffic. */
    public record NetworkCount(long asn, long requests, long blocked, long clients) {
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

    /** Traffic per step over {@code [from, to)}; steps start on the minute or the hour (UTC). */
    public List<TrafficStep> timeline(Instant from, Instant to, Step step) {
        String source = step == Step.MINUTE
                ? """
                  select date_trunc('minute', ts) as at, count(*) as requests,
                         count(*) filter (where decision = 'BLOCKED') as blocked,
                         count(*) filter (where decision = 'RATE_LIMITED') as rate_limited,
                         count(*) filter (where decision = 'ALLOWLISTED') as allowlisted,
                         count(*) filter (where sensitive) as sensitive
                  from request_log where ts >= :from and ts < :to group by 1"""
                : """
                  select hour as at, sum(requests) as requests,
                         coalesce(sum(requests) filter (where decision = 'BLOCKED'), 0) as blocked,
                         coalesce(sum(requests) filter (where decision = 'RATE_LIMITED'), 0) as rate_limited,
                         coalesce(sum(requests) filter (where decision = 'ALLOWLISTED'), 0) as allowlisted,
                         coalesce(sum(requests) filter (where sensitive), 0) as sensitive
                  from request_hourly where hour >= date_trunc('hour', cast(:from as timestamptz), 'UTC') and hour < :to group by 1""";
        return jdbc.sql("with counts as (" + source + "), " + steps(step)
                        + """
                          select s.at, coalesce(c.requests, 0) as requests, coalesce(c.blocked, 0) as blocked,
                                 coalesce(c.rate_limited, 0) as rate_limited, coalesce(c.allowlisted, 0) as allowlisted,
                                 coalesce(c.sensitive, 0) as sensitive
                          from steps s left join counts c on c.at = s.at order by s.at""")
                .param("from", Timestamp.from(from)).param("to", Timestamp.from(to))
                .query((rs, n) -> new TrafficStep(rs.getTimestamp("at").toInstant(), rs.getLong("requests"), rs.getLong("blocked"),
                        rs.getLong("rate_limited"), rs.getLong("allowlisted"), rs.getLong("sensitive")))
                .list();
    }

    /** Flags per step and rule over {@code [from, to)}, by when detection detected them. */
    public List<FlagStep> flagTimeline(Instant from, Instant to, Step step) {
        Map<Instant, Map<String, Long>> byStep = new LinkedHashMap<>();
        jdbc.sql("with counts as (select date_trunc('" + step.unit() + "', detected_at, 'UTC') as at, rule, count(*) as flags "
                        + "from flagged_ip where detected_at >= :from and detected_at < :to group by 1, 2), " + steps(step)
                        + " select s.at, c.rule, c.flags from steps s left join counts c on c.at = s.at order by s.at, c.rule")
                .param("from", Timestamp.from(from)).param("to", Timestamp.from(to))
                .query(rs -> {
                    Map<String, Long> rules = byStep.computeIfAbsent(rs.getTimestamp("at").toInstant(), at -> new TreeMap<>());
                    String rule = rs.getString("rule");
                    if (rule != null) {
                        rules.put(rule, rs.getLong("flags"));
                    }
                });
        List<FlagStep> steps = new ArrayList<>(byStep.size());
        byStep.forEach((at, rules) -> steps.add(new FlagStep(at, rules.values().stream().mapToLong(Long::longValue).sum(), rules)));
        return steps;
    }

    /** The autonomous systems that sent the most requests over {@code [from, to)}. */
    public List<NetworkCount> topNetworks(Instant from, Instant to, int limit) {
        return jdbc.sql("""
                        select coalesce(asn, 0) as asn, count(*) as requests, count(*) filter (where decision = 'BLOCKED') as blocked,
                               count(distinct client) as clients
                        from request_log where ts >= :from and ts < :to
                        group by 1 order by requests desc, asn limit :limit""")
                .param("from", Timestamp.from(from)).param("to", Timestamp.from(to)).param("limit", limit)
                .query((rs, n) -> new NetworkCount(rs.getLong("asn"), rs.getLong("requests"), rs.getLong("blocked"),
                        rs.getLong("clients")))
                .list();
    }

    /** {@code steps(at)}: the start of every step of the range, the first on or before {@code :from}. */
    private static String steps(Step step) {
        return "steps as (select generate_series(date_trunc('" + step.unit() + "', cast(:from as timestamptz), 'UTC'), "
                + "cast(:to as timestamptz) - interval '1 microsecond', interval '1 " + step.unit() + "') as at)";
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
