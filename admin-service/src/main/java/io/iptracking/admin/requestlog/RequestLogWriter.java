package io.iptracking.admin.requestlog;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.admin.privacy.IpTruncation;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.springframework.jdbc.support.SQLStateSQLExceptionTranslator;

/**
 * Writes a batch of enriched requests to the request log and the hourly aggregates in one
 * statement: the batch travels as one array per column ({@code unnest}), rows already logged (same
 * event id and time: a redelivery) are dropped, and only the rows actually inserted are counted
 * into the aggregates, so a redelivered batch never counts twice. IPs are truncated here, before
 * they reach the database.
 */
public final class RequestLogWriter {

    static final String INSERT = """
            with batch as (
                select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                                     ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                                     ?::text[], ?::text[])
                    as b(ts, event_id, client, method, host, path, status, latency_ms, user_agent, subject, decision,
                         rule, mode, country_code, asn, sensitive)
            ), inserted as (
                insert into request_log (ts, event_id, client, method, host, path, status, latency_ms, user_agent,
                                         subject, decision, rule, mode, country_code, asn, sensitive)
                select ts::timestamptz, event_id::uuid, client::cidr, method, host, path, status::smallint,
                       latency_ms::bigint, user_agent, subject, decision, rule, mode, country_code, asn::bigint,
                       sensitive::boolean
                from batch
                on conflict do nothing
                returning ts, country_code, decision, sensitive
            )
            insert into request_hourly (hour, country_code, decision, sensitive, requests)
            select date_trunc('hour', ts, 'UTC'), coalesce(country_code, ''), decision, sensitive, count(*)
            from inserted group by 1, 2, 3, 4
            on conflict (hour, country_code, decision, sensitive)
                do update set requests = request_hourly.requests + excluded.requests
            """;

    private static final SQLExceptionTranslator TRANSLATOR = new SQLStateSQLExceptionTranslator();

    private final DataSource dataSource;
    private final IpTruncation truncation;
    private final SensitivePaths sensitive;

    public RequestLogWriter(DataSource dataSource, IpTruncation truncation, SensitivePaths sensitive) {
        this.dataSource = dataSource;
        this.truncation = truncation;
        this.sensitive = sensitive;
    }

    /**
     * Logs the batch; duplicates of rows already logged are ignored.
     *
     * @throws DataAccessException translated from the database's SQLSTATE: a data error (a value the
     *     database refuses) is a {@code DataIntegrityViolationException}, a lost connection a
     *     {@code DataAccessResourceFailureException}
     */
    public void write(List<EnrichedRequestEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        int n = events.size();
        String[][] columns = new String[16][n];
        for (int i = 0; i < n; i++) {
            EnrichedRequestEvent e = events.get(i);
            RequestEvent r = e.request();
            columns[0][i] = r.timestamp().toString();
            columns[1][i] = r.eventId().toString();
            columns[2][i] = truncation.truncate(r.ip()).toString();
            columns[3][i] = r.method();
            columns[4][i] = r.host();
            columns[5][i] = r.path();
            columns[6][i] = r.status() == null ? null : r.status().toString();
            columns[7][i] = r.latencyMs() == null ? null : r.latencyMs().toString();
            columns[8][i] = r.userAgent();
            columns[9][i] = r.subject();
            columns[10][i] = r.decision().name();
            columns[11][i] = r.rule();
            columns[12][i] = r.mode().name();
            columns[13][i] = e.geo().countryCode();
            columns[14][i] = e.geo().asn() == null ? null : e.geo().asn().toString();
            columns[15][i] = Boolean.toString(sensitive.matches(r.path()));
        }
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
            for (int c = 0; c < columns.length; c++) {
                Array array = connection.createArrayOf("text", columns[c]);
                statement.setArray(c + 1, array);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            // As JdbcTemplate would: a lost connection and a refused value become different exceptions,
            // which the feed tells apart (retry, or dead-letter the record).
            DataAccessException translated = TRANSLATOR.translate("writing " + n + " request log rows", null, e);
            throw translated != null ? translated : new UncategorizedSQLException("writing request log rows", null, e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }
}
