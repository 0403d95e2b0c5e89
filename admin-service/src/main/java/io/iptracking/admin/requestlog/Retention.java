package io.iptracking.admin.requestlog;

import io.iptracking.admin.audit.AuditLog;
import io.iptracking.admin.flags.FlagStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces how long each store keeps data, and keeps the request log's partitions ahead of the
 * traffic. Runs at start-up (before the consumers) and then every retention interval.
 */
public final class Retention {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);
    /** Partitions exist for yesterday (late events) up to this many days ahead. */
    private static final int DAYS_AHEAD = 2;

    /** What one pass removed. */
    public record Outcome(List<String> droppedPartitions, int flags, int hourly, int auditRecords) {
    }

    private final RequestLogPartitions partitions;
    private final RequestLog requestLog;
    private final FlagStore flags;
    private final Duration requestLogRetention;
    private final Duration flagRetention;
    private final Duration hourlyRetention;
    private final AuditLog audit;
    private final Duration auditRetention;
    private final Clock clock;

    public Retention(RequestLogPartitions partitions, RequestLog requestLog, FlagStore flags, AuditLog audit,
            Duration requestLogRetention, Duration flagRetention, Duration hourlyRetention, Duration auditRetention, Clock clock) {
        this.partitions = partitions;
        this.requestLog = requestLog;
        this.flags = flags;
        this.requestLogRetention = requestLogRetention;
        this.flagRetention = flagRetention;
        this.hourlyRetention = hourlyRetention;
        this.audit = audit;
        this.auditRetention = auditRetention;
        this.clock = clock;
    }

    public Outcome run() {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        partitions.ensure(today.minusDays(1), today.plusDays(DAYS_AHEAD));
        List<String> dropped = partitions.dropBefore(now.minus(requestLogRetention));
        int flagRows = flags.deleteDetectedBefore(now.minus(flagRetention));
        int hourlyRows = requestLog.deleteHourlyBefore(now.minus(hourlyRetention));
        int auditRows = audit.deleteBefore(now.minus(auditRetention));
        if (!dropped.isEmpty() || flagRows > 0 || hourlyRows > 0 || auditRows > 0) {
            log.info("Retention: dropped request log partitions {}, {} flags, {} hourly aggregates, {} audit records", dropped,
                    flagRows, hourlyRows, auditRows);
        }
        return new Outcome(dropped, flagRows, hourlyRows, auditRows);
    }
}
