package io.iptracking.enrichment.stream;

import io.iptracking.common.kafka.Topics;
import io.iptracking.enrichment.geo.GeoLookup;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

/**
 * The enrichment topology: every record of {@link Topics#REQUESTS} becomes one record of
 * {@link Topics#ENRICHED_REQUESTS}, keyed by the request's IP, or, when it cannot be read, one record of
 * {@link Topics#REQUESTS_DLQ}.
 *
 * <p>The source reads raw bytes and {@link RequestEnricher} parses them, rather than a
 * {@code DeserializationExceptionHandler} behind typed serdes: a bad record is then an ordinary branch
 * of the topology, written to the dead-letter topic in the same exactly-once transaction as the
 * offsets and the enriched records, counted, and tested with the {@code TopologyTestDriver} like
 * everything else. It can never stop the application or be read again.
 */
public final class EnrichmentTopology {

    static final String SOURCE = "requests";
    static final String ENRICHER = "enrich";
    static final String ENRICHED_SINK = "enriched-requests";
    static final String DEAD_LETTER_SINK = "dead-letters";

    private EnrichmentTopology() {
    }

    /**
     * @param geo where the geo data comes from
     * @param counters counts what the topology did, for metrics
     */
    public static Topology build(GeoLookup geo, EnrichmentCounters counters) {
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.REQUESTS.name());
        // One writer for every stream thread: it keeps each place's geo JSON, written once.
        EnrichedEventWriter writer = new EnrichedEventWriter();
        topology.addProcessor(ENRICHER, () -> new RequestEnricher(geo, writer, counters), SOURCE);
        // The enricher writes both topics' bytes itself: see EnrichedEventWriter.
        topology.addSink(ENRICHED_SINK, Topics.ENRICHED_REQUESTS.name(), new ByteArraySerializer(), new ByteArraySerializer(),
                ENRICHER);
        topology.addSink(DEAD_LETTER_SINK, Topics.REQUESTS_DLQ.name(), new ByteArraySerializer(), new ByteArraySerializer(),
                ENRICHER);
        return topology;
    }
}
