package io.iptracking.admin.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * A PostgreSQL {@code LISTEN} on one channel, for a background loop that waits for work: a transaction
 * that queues work notifies the channel ({@code pg_notify}), which PostgreSQL delivers exactly at its
 * commit, from any process. The loop waits for a notification or a time, whichever comes first; the
 * time covers a notification lost with its connection, which is opened again at the next wait.
 */
public final class Notifications implements AutoCloseable {

    private final DataSource dataSource;
    private final String channel;
    private volatile Connection listening;

    /** @param channel a plain identifier: it is put into the LISTEN statement as it is */
    public Notifications(DataSource dataSource, String channel) {
        if (!channel.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain channel name: " + channel);
        }
        this.dataSource = dataSource;
        this.channel = channel;
    }

    /** Listens from now on (a notification sent before is not seen); does nothing when it already does. */
    public void listen() throws SQLException {
        if (listening == null) {
            Connection c = dataSource.getConnection();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("LISTEN " + channel);
            }
            listening = c;
        }
    }

    /** Returns at the first notification, or after {@code wait} with none (1 ms at least). */
    public void await(Duration wait) throws SQLException {
        listen();
        long millis = Math.max(1, Math.min(wait.toMillis() + 1, Integer.MAX_VALUE));
        listening.unwrap(PGConnection.class).getNotifications((int) millis);
    }

    /** Closes the connection (after a failure, or at the end); the next wait opens another. */
    @Override
    public void close() {
        Connection c = listening;
        listening = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // already broken
            }
        }
    }

    /** Sleeps {@code d}; false when interrupted (the loop should end). */
    public static boolean pause(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
