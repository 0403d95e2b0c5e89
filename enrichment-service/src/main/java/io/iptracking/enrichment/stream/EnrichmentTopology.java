package io.iptracking.enrichment.stream;

import io.iptracking.common.kafka.Topics;
import io.iptracking.enrichment.geo.GeoLookup;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

/**
 * The enrichment topology: every record of {@link Topics#REQUESTS} becomes one record of
 * {@link Topics#ENRICHED_REQUESTS}, keyed by the request's IP.
 *
 * <p>The source reads raw bytes and {@link RequestEnricher} parses them, so that the enriched record
 * can be written around the request's own bytes ({@link EnrichedEventWriter}). A record it cannot read
 * makes it throw, and Kafka Streams' processing exception handler ({@code DeadLetters.Processing})
 * writes the record's bytes to {@link Topics#REQUESTS_DLQ} in the same exactly-once transaction as the
 * offsets and the enriched records: it can never stop the application or be read again.
 */
public final class EnrichmentTopology {

    static final String SOURCE = "requests";
    static final String ENRICHER = "enrich";
    static final String ENRICHED_SINK = "enriched-requests";

    private EnrichmentTopology() {
    }

    /**
     * @param geo where the geo data comes from
     * @param counters counts what the topology did, for metrics
     */
    public static Topology build(GeoLookup geo, EnrichmentCounters counters) {
        Topology topology = new Topology();
        addTo(topology, geo, counters);
        return topology;
    }

    /** Adds the enrichment's nodes to {@code topology}. */
    public static void addTo(Topology topology, GeoLookup geo, EnrichmentCounters counters) {
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.REQUESTS.name());
        // One writer for every stream thread: it keeps each place's geo JSON, written once.
        EnrichedEventWriter writer = new EnrichedEventWriter();
        topology.addProcessor(ENRICHER, () -> new RequestEnricher(geo, writer, counters), SOURCE);
        // The enricher writes the enriched record's bytes itself: see EnrichedEventWriter.
        topology.addSink(ENRICHED_SINK, Topics.ENRICHED_REQUESTS.name(), new ByteArraySerializer(), new ByteArraySerializer(),
                ENRICHER);
    }
}
