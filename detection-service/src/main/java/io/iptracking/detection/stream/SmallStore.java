package io.iptracking.detection.stream;

import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A store of at most a few thousand entries that the stream thread reads by key or whole: held in a
 * map too, loaded from the Kafka Streams store when the task starts, every change written to both, so
 * that no read costs a store lookup or deserialization. Without a Kafka store (a replay), the map
 * alone. The anomaly model's population sample and the erased clients are such stores.
 */
public final class SmallStore<K, V> {

    private final Map<K, V> entries;
    private final KeyValueStore<K, V> store;

    private SmallStore(Map<K, V> entries, KeyValueStore<K, V> store) {
        this.entries = entries;
        this.store = store;
    }

    /** In {@code empty} only; its iteration order is {@link #forEach}'s. */
    public static <K, V> SmallStore<K, V> inMemory(Map<K, V> empty) {
        return new SmallStore<>(empty, null);
    }

    /** Over {@code store}, loaded into {@code empty}; a sorted map iterates as the store does. */
    static <K, V> SmallStore<K, V> over(KeyValueStore<K, V> store, Map<K, V> empty) {
        try (KeyValueIterator<K, V> all = store.all()) {
            all.forEachRemaining(e -> empty.put(e.key, e.value));
        }
        return new SmallStore<>(empty, store);
    }

    public V get(K key) {
        return entries.get(key);
    }

    public void put(K key, V value) {
        if (store != null) {
            store.put(key, value);
        }
        entries.put(key, value);
    }

    public void delete(K key) {
        if (store != null) {
            store.delete(key);
        }
        entries.remove(key);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The visitor must not change the store. */
    public void forEach(BiConsumer<K, V> visitor) {
        entries.forEach(visitor);
    }
}
