package io.iptracking.admin.requestlog;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The request log's day partitions (UTC days): created ahead of the traffic, dropped whole when they
 * fall out of retention. A row whose day has no partition goes to the default partition, which
 * retention trims by deleting. The day partitions live in the schema {@value #SCHEMA} and are added and
 * dropped through its two functions, which run as the schema's owner (V5__request_log_days_schema.sql):
 * admin's runtime role may neither own the request log nor create tables.
 */
public final class RequestLogPartitions {

    private static final Logger log = LoggerFactory.getLogger(RequestLogPartitions.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final Pattern NAME = Pattern.compile("request_log_p(\\d{8})");
    static final String SCHEMA = "request_log_days";

    private final JdbcClient jdbc;

    public RequestLogPartitions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Makes sure the days {@code from} to {@code to} (inclusive) have partitions. */
    public void ensure(LocalDate from, LocalDate to) {
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            String name = name(day);
            if (existing().contains(name)) {
                continue;
            }
            Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            // A partition cannot be attached over rows the default partition already holds for its day.
            long stray = jdbc.sql("select count(*) from request_log_default where ts >= :start and ts < :end")
                    .param("start", Timestamp.from(start)).param("end", Timestamp.from(end)).query(Long.class).single();
            if (stray > 0) {
                log.info("Day {} of the request log stays in the default partition ({} rows arrived before its partition)", day, stray);
                continue;
            }
            jdbc.sql("select " + SCHEMA + ".add_day(:day)").param("day", Date.valueOf(day)).query(Boolean.class).single();
        }
    }

    /**
     * Removes every row older than {@code cutoff}: drops the partitions that end at or before it,
     * deletes older rows of the partition it falls in and of the default partition.
     *
     * @return the partitions dropped
     */
    public List<String> dropBefore(Instant cutoff) {
        List<String> dropped = new ArrayList<>();
        for (String name : existing()) {
            Matcher m = NAME.matcher(name);
            LocalDate day = m.matches() ? LocalDate.parse(m.group(1), DAY) : null;
            if (day != null && !day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(cutoff)) {
                jdbc.sql("select " + SCHEMA + ".drop_day(:day)").param("day", Date.valueOf(day)).query(Boolean.class).single();
                dropped.add(name);
            }
        }
        jdbc.sql("delete from request_log where ts < :cutoff").param("cutoff", Timestamp.from(cutoff)).update();
        return dropped;
    }

    /** The day partitions that exist, by name. */
    public List<String> existing() {
        return jdbc.sql("select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
                        + "join pg_class p on p.oid = i.inhparent join pg_namespace n on n.oid = c.relnamespace "
                        + "where p.relname = 'request_log' and n.nspname = '" + SCHEMA + "' and c.relname like 'request_log_p%' "
                        + "order by c.relname")
                .query(String.class).list();
    }

    static String name(LocalDate day) {
        return "request_log_p" + DAY.format(day);
    }
}
