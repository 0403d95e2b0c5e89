package io.iptracking.admin.ips;

import io.iptracking.admin.audit.AuditLog;
import io.iptracking.admin.bouncers.Bouncers;
import io.iptracking.admin.flags.FlagStore;
import io.iptracking.admin.lists.ListEntries;
import io.iptracking.admin.privacy.IpTruncation;
import io.iptracking.admin.privacy.Pseudonyms;
import io.iptracking.admin.requestlog.RequestLog;
import io.iptracking.admin.webhooks.Deliveries;
import io.iptracking.common.event.ErasureRequest;
import io.iptracking.common.ip.ClientIp;
import io.iptracking.common.kafka.Topic;
import io.iptracking.common.kafka.TopicSettings;
import io.iptracking.common.kafka.Topics;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Erases what is stored about one IP, in one transaction, and reports every store: what it removed,
 * what it replaced by the IP's pseudonym, and what still holds the IP, where and until when.
 *
 * <p>Removed: the IP's flags; its request log rows when the log keeps whole IPs (or, when asked, the
 * rows of its truncated prefix, which other clients share); the expired list entries for exactly the
 * IP (their history); webhook messages that name it, delivered or not. Pseudonymized ({@link Pseudonyms}): the audit log (subjects, and the entries
 * before and after each change) and list entries' reasons (an auto-block quotes its flag's reason).
 * The erasure's own audit record names the pseudonym, so that it can be proven to whoever holds the
 * key and names no one to anybody else. Sent: an {@link ErasureRequest} to detection, which deletes
 * the IP's window; it is written first, and when Kafka does not take it nothing is erased and the call
 * fails, so that a retry does all of it. Kept, and said so: live list entries (security controls,
 * removed through the lists API) and the Kafka topics (until their retention).
 */
public final class IpErasure {

    /**
     * What an erasure did.
     *
     * @param pseudonym what the IP is called in the records that remain
     * @param removed rows removed, by store
     * @param pseudonymized rows in which the IP was replaced by its pseudonym, by store
     * @param sent requests to erase sent to other services, by store: where they were written
     * @param kept what still holds the IP or its prefix, by store
     * @param notes why, and until when, by store
     */
    public record Outcome(String ip, String pseudonym, Instant at, Map<String, Long> removed, Map<String, Long> pseudonymized,
            Map<String, ErasureTopic.Sent> sent, Map<String, Object> kept, Map<String, String> notes) {
    }

    /** The topics that carry client IPs, as keys or in the records. */
    private static final List<Topic<?, ?>> TOPICS = List.of(Topics.REQUESTS, Topics.ENRICHED_REQUESTS, Topics.FLAGGED,
            Topics.REQUESTS_DLQ, Topics.FLAGGED_DLQ, Topics.BLOCKLIST, Topics.ERASURES);

    private final FlagStore flags;
    private final RequestLog requestLog;
    private final ListEntries entries;
    private final AuditLog audit;
    private final IpTruncation truncation;
    private final Bouncers bouncers;
    private final Deliveries webhooks;
    private final Pseudonyms pseudonyms;
    private final ErasureTopic detection;
    private final TransactionTemplate tx;
    private final Clock clock;

    public IpErasure(FlagStore flags, RequestLog requestLog, ListEntries entries, AuditLog audit, IpTruncation truncation,
            Bouncers bouncers, Deliveries webhooks, Pseudonyms pseudonyms, ErasureTopic detection, TransactionTemplate tx,
            Clock clock) {
        this.flags = flags;
        this.requestLog = requestLog;
        this.entries = entries;
        this.audit = audit;
        this.truncation = truncation;
        this.bouncers = bouncers;
        this.webhooks = webhooks;
        this.pseudonyms = pseudonyms;
        this.detection = detection;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * @param includePrefix also delete the request log rows of the IP's truncated prefix
     * @throws io.iptracking.admin.kafka.AcknowledgedProducer.UnavailableException when detection's request was not
     *     acknowledged: nothing was erased in the database
     */
    public Outcome erase(ClientIp ip, boolean includePrefix, String actor) {
        Instant now = clock.instant();
        ErasureTopic.Sent sent = detection.send(new ErasureRequest(ip, now));
        return tx.execute(status -> {
            String pseudonym = pseudonyms.of(ip);
            String pattern = Pseudonyms.textPattern(ip);
            Map<String, Long> removed = new LinkedHashMap<>();
            Map<String, Long> pseudonymized = new LinkedHashMap<>();
            Map<String, Object> kept = new LinkedHashMap<>();
            Map<String, String> notes = new LinkedHashMap<>();

            removed.put("flags", (long) flags.deleteIp(ip));
            long logRows = requestLog.delete(ip.toCidr());
            var prefix = truncation.truncate(ip);
            if (!prefix.equals(ip.toCidr())) {
                if (includePrefix) {
                    logRows += requestLog.delete(prefix);
                } else {
                    kept.put("requestLogPrefixRows", requestLog.count(prefix));
                    notes.put("requestLogPrefixRows", "the request log stores " + prefix + ", not the IP; its rows are shared "
                            + "with the rest of the prefix and kept unless includePrefix=true (they go with the request log's "
                            + "retention)");
                }
            }
            removed.put("requestLog", logRows);
            removed.put("listHistory", (long) entries.deleteExpired(ip.toCidr()));
            // Pending ones included: an endpoint is not told about an IP after its erasure.
            removed.put("webhookMessages", (long) webhooks.erase(pattern));

            pseudonymized.put("listReasons", (long) entries.pseudonymizeReasons(pattern, pseudonym));
            pseudonymized.put("auditLog", (long) audit.pseudonymize(pattern, pseudonym));
            pseudonymized.put("bouncerScenarios", (long) bouncers.pseudonymizeScenarios(pattern, pseudonym));

            long live = entries.activeContaining(ip, now).size();
            kept.put("listEntries", live);
            if (live > 0) {
                notes.put("listEntries", "live block and allow entries covering the IP are security controls; remove them "
                        + "through /api/v1/blocks or /allows, then erase again to remove their history");
            }
            long held = bouncers.holding(ip.toCidr());
            if (held > 0) {
                kept.put("bouncerDecisions", held);
                notes.put("bouncerDecisions", "CrowdSec bouncers hold a ban of the IP: while its block is live, and else until "
                        + "each bouncer's next pull, which deletes it");
            }
            notes.put("hourlyAggregates", "hold no IP: nothing to erase");
            notes.put("detectionState", "detection deletes the window of the IP's client (the IPv4 address, or the IPv6 "
                    + "network of DETECTION_IPV6_PREFIX it belongs to) as soon as it reads the request from " + sent.topic()
                    + ", and writes a tombstone to the window's changelog topic, which compaction then applies; the "
                    + "client's requests made before now that reach it later are not counted, those made after start "
                    + "a new window");
            for (Topic<?, ?> topic : TOPICS) {
                if (topic.settings() instanceof TopicSettings.Delete d) {
                    kept.put("kafka:" + topic.name(), "until " + now.plus(d.retention()).truncatedTo(ChronoUnit.SECONDS));
                } else {
                    kept.put("kafka:" + topic.name(), "until compaction after the entry is removed");
                }
            }
            notes.put("kafka", "records naming the IP stay in the topics until their retention deletes them (compacted "
                    + "topics: until the key's removal is compacted); Kafka cannot delete single records");

            audit.record(now, actor, AuditLog.Action.DATA_ERASED, pseudonym, null,
                    Map.of("removed", removed, "pseudonymized", pseudonymized, "includePrefix", includePrefix, "sent", sent));
            return new Outcome(ip.toString(), pseudonym, now, removed, pseudonymized, Map.of("detectionState", sent), kept,
                    notes);
        });
    }
}
