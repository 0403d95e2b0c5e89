package io.iptracking.detection.stream;

import io.iptracking.common.ip.Cidr;
import io.iptracking.detection.window.ClientWindow;
import java.util.function.BiConsumer;

/** Where the {@link DetectionEngine} keeps each client's window: a Kafka Streams store, or a map in a replay. */
public interface ClientStore {

    /** The client's window, or null. */
    ClientWindow get(Cidr client);

    void put(Cidr client, ClientWindow window);

    void delete(Cidr client);

    /** About how many clients the store holds. */
    long approximateSize();

    /**
     * Visits up to {@code limit} clients in key order (a window that cannot be read is visited as null), starting after {@code after} (from the first when
     * null), and returns the last one visited, or null when the end was reached. The visitor must not
     * change the store.
     */
    Cidr scan(Cidr after, int limit, BiConsumer<Cidr, ClientWindow> visitor);
}
