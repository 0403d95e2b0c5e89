package io.iptracking.detection.stream;

import io.iptracking.common.ip.Cidr;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Clients erased lately, each with the instant (epoch milliseconds) up to which its requests are the
 * erased ones: requests dated then or before that arrive after the erasure (they were still on their
 * way through the edge, enrichment or this task's buffers) must not bring the window back. A Kafka
 * Streams store, or a map in a replay. Few entries: one per erasure, for the grace period.
 */
public interface ErasedClients {

    void put(Cidr client, long upTo);

    void delete(Cidr client);

    void forEach(BiConsumer<Cidr, Long> visitor);

    /** Kept in a map only. */
    static ErasedClients inMemory() {
        Map<Cidr, Long> map = new HashMap<>();
        return new ErasedClients() {
            @Override
            public void put(Cidr client, long upTo) {
                map.put(client, upTo);
            }

            @Override
            public void delete(Cidr client) {
                map.remove(client);
            }

            @Override
            public void forEach(BiConsumer<Cidr, Long> visitor) {
                map.forEach(visitor);
            }
        };
    }
}
