package io.iptracking.admin.lists;

import io.iptracking.common.event.ListEntry;
import io.iptracking.common.ip.Cidr;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Where the lists are published: the compacted blocklist topic, one record per CIDR. */
public interface BlocklistTopic extends AutoCloseable {

    /** What the topic holds now: the latest entry per CIDR, tombstoned keys left out. */
    record Snapshot(Map<Cidr, ListEntry> entries, Set<Cidr> unreadable) {
    }

    /**
     * Publishes the records (null entry = tombstone) in order, and returns once every one is
     * acknowledged.
     *
     * @throws BlocklistUnavailableException when the topic did not acknowledge them in time
     */
    void publish(List<Outbox.Change> changes);

    /**
     * Gets ready to publish (connections, metadata), so that the first change after start-up does
     * not pay for it; a failure here is only retried by the next publish.
     */
    default void prepare() {
    }

    /**
     * Reads the whole topic up to its current end.
     *
     * @throws BlocklistUnavailableException when it could not be read in time
     */
    Snapshot read();

    @Override
    void close();

    /** The topic could not be written or read; nothing is lost, the caller retries. */
    final class BlocklistUnavailableException extends RuntimeException {

        public BlocklistUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
