package io.iptracking.admin.ips;

import io.iptracking.admin.audit.AuditLog;
import io.iptracking.admin.flags.FlagStore;
import io.iptracking.admin.lists.ListEntries;
import io.iptracking.admin.requestlog.RequestLog;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.admin.privacy.IpTruncation;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Erases what is stored about one IP, in one transaction, and says what it removed and what it
 * kept and why. Removed: its flags, and its request log rows when the log keeps whole IPs (or,
 * when asked, the rows of its truncated prefix, which other clients share). Kept: list entries
 * (security controls, removed through the lists API) and hourly aggregates (they hold no IP).
 * The erasure itself is audited, naming the IP, so that it can be proven.
 */
public final class IpErasure {

    /**
     * What an erasure did.
     *
     * @param removed rows removed, by store
     * @param kept what still mentions the IP or its prefix, by store, with why in {@code notes}
     */
    public record Outcome(String ip, Instant at, Map<String, Long> removed, Map<String, Object> kept, Map<String, String> notes) {
    }

    private final FlagStore flags;
    private final RequestLog requestLog;
    private final ListEntries entries;
    private final AuditLog audit;
    private final IpTruncation truncation;
    private final TransactionTemplate tx;
    private final Clock clock;

    public IpErasure(FlagStore flags, RequestLog requestLog, ListEntries entries, AuditLog audit, IpTruncation truncation,
            TransactionTemplate tx, Clock clock) {
        this.flags = flags;
        this.requestLog = requestLog;
        this.entries = entries;
        this.audit = audit;
        this.truncation = truncation;
        this.tx = tx;
        this.clock = clock;
    }

    /** @param includePrefix also delete the request log rows of the IP's truncated prefix */
    public Outcome erase(ClientIp ip, boolean includePrefix, String actor) {
        return tx.execute(status -> {
            Instant now = clock.instant();
            Map<String, Long> removed = new LinkedHashMap<>();
            Map<String, Object> kept = new LinkedHashMap<>();
            Map<String, String> notes = new LinkedHashMap<>();
            removed.put("flags", (long) flags.deleteIp(ip));
            long logRows = requestLog.delete(ip.toCidr());
            var prefix = truncation.truncate(ip);
            boolean truncated = !prefix.equals(ip.toCidr());
            if (truncated) {
                if (includePrefix) {
                    logRows += requestLog.delete(prefix);
                } else {
                    long shared = requestLog.count(prefix);
                    kept.put("requestLogPrefixRows", shared);
                    notes.put("requestLogPrefixRows", "the request log stores " + prefix + ", not the IP; its rows are shared "
                            + "with the rest of the prefix and kept unless includePrefix=true");
                }
            }
            removed.put("requestLog", logRows);
            long listEntries = entries.activeContaining(ip, now).size();
            kept.put("listEntries", listEntries);
            if (listEntries > 0) {
                notes.put("listEntries", "block and allow entries are security controls; remove them through /api/v1/blocks or /allows");
            }
            notes.put("hourlyAggregates", "hold no IP: nothing to erase");
            audit.record(now, actor, AuditLog.Action.DATA_ERASED, ip.toString(), null,
                    Map.of("removed", removed, "includePrefix", includePrefix));
            return new Outcome(ip.toString(), now, removed, kept, notes);
        });
    }
}
