package io.iptracking.common.kafka;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.ErasureRequest;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.event.ListEntry;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.ip.Cidr;
import io.iptracking.common.ip.ClientIp;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic of ip-tracking: the contracts between the services (see ARCHITECTURE.md, "Topics").
 * Topic names are spelled here and nowhere else.
 */
public final class Topics {

    /**
     * Per-client topics have 6 partitions: keyed by client IP or client network, so all events of a
     * client meet in one partition, and up to 6 instances of a consumer share the load.
     */
    private static final int PER_IP_PARTITIONS = 6;

    private static final ClientIpSerde IP_KEY = new ClientIpSerde();

    /**
     * Every request seen by the edge. Ingest → enrichment. The key is the client network address
     * ({@link io.iptracking.common.ip.ClientNetwork#keyOf}: an IPv4 address, or the first address of
     * an IPv6 /64), so that a consumer can count per network without repartitioning; the value carries
     * the full IP.
     */
    public static final Topic<ClientIp, RequestEvent> REQUESTS = new Topic<>("ip.requests.v1",
            IP_KEY, new JsonSerde<>(RequestEvent.class, CanonicalEventReader::request),
            TopicSettings.delete(PER_IP_PARTITIONS, Duration.ofDays(7)));

    /**
     * Requests with geo data. Enrichment → detection, admin. Keyed like {@link #REQUESTS}, by the client
     * network address; the value carries the full IP.
     */
    public static final Topic<ClientIp, EnrichedRequestEvent> ENRICHED_REQUESTS = new Topic<>("ip.requests.enriched.v1",
            IP_KEY, new JsonSerde<>(EnrichedRequestEvent.class, CanonicalEventReader::enriched),
            TopicSettings.delete(PER_IP_PARTITIONS, Duration.ofDays(7)));

    /**
     * IPs flagged by detection. Public (see {@link PublicSchemas}): other systems read it, so it is kept
     * longer than the request streams.
     */
    public static final Topic<ClientIp, FlaggedIp> FLAGGED = new Topic<>("ip.flagged.v1",
            IP_KEY, new JsonSerde<>(FlaggedIp.class),
            TopicSettings.delete(PER_IP_PARTITIONS, Duration.ofDays(30)));

    /**
     * The blocklist and allowlist, one entry per CIDR, a tombstone to remove one. Public.
     *
     * <p>One partition: every edge instance reads all of it (no consumer group), so partitions would
     * scale nothing; a single partition gives one order of changes and one end offset for an edge to
     * compare against before it reports ready. The whole list is small (entries of ~200 bytes).
     *
     * <p>Tombstones are kept 7 days: an edge that is disconnected for less than that still sees a
     * removal. Every record stays uncompacted for at least 1 hour, so recent changes can be read in
     * order when investigating what an edge did. Superseded records go within 1 day, which bounds what
     * an edge replays at start-up.
     */
    public static final Topic<Cidr, ListEntry> BLOCKLIST = new Topic<>("ip.blocklist.v1",
            new CidrSerde(), new JsonSerde<>(ListEntry.class),
            TopicSettings.compact(1, Duration.ofDays(7), Duration.ofHours(1), Duration.ofDays(1)));

    /**
     * Request events that a consumer could not process (enrichment, detection, admin's request log):
     * the key and value as they were read, the error in {@link DeadLetterHeaders}. As many partitions as
     * the topics it catches, so that a failure that sends everything here spreads the same way.
     */
    public static final Topic<byte[], byte[]> REQUESTS_DLQ = new Topic<>("ip.requests.dlq.v1",
            Serdes.ByteArray(), Serdes.ByteArray(),
            TopicSettings.delete(PER_IP_PARTITIONS, Duration.ofDays(7)));

    /**
     * Flags that admin could not store: the key and value as they were read, the error in
     * {@link DeadLetterHeaders}.
     */
    public static final Topic<byte[], byte[]> FLAGGED_DLQ = new Topic<>("ip.flagged.dlq.v1",
            Serdes.ByteArray(), Serdes.ByteArray(),
            TopicSettings.delete(PER_IP_PARTITIONS, Duration.ofDays(30)));

    /**
     * Erasures of an IP's data. Admin → detection, which deletes the IP's client window (and so writes
     * a tombstone to its changelog). Internal. Keyed like {@link #REQUESTS}, by the client network
     * address, with as many partitions, so that an erasure reaches the task that holds the client's
     * window: the topics are co-partitioned (detection checks it at start-up).
     *
     * <p>A record names the IP it erases, so it is kept 1 day only: detection applies it within
     * seconds while it runs. One that stays down longer resumes from its committed offsets and may
     * lose it; it then counts the IP's requests it reads from the request topics again (as it would
     * after any reset), and drops the window once idle.
     */
    public static final Topic<ClientIp, ErasureRequest> ERASURES = new Topic<>("ip.erasures.v1",
            IP_KEY, new JsonSerde<>(ErasureRequest.class),
            TopicSettings.delete(PER_IP_PARTITIONS, Duration.ofDays(1)));

    private static final List<Topic<?, ?>> ALL = List.of(REQUESTS, ENRICHED_REQUESTS, FLAGGED, BLOCKLIST, REQUESTS_DLQ,
            FLAGGED_DLQ, ERASURES);

    private Topics() {
    }

    /** Every topic, for creating them at start-up or in a test broker. */
    public static List<Topic<?, ?>> all() {
        return ALL;
    }
}
