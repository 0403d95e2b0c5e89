package io.iptracking.ingest.ratelimit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Duration;

/**
 * The Lettuce connection to the Redis that holds the shared buckets, configured so that a Redis
 * outage costs milliseconds, not minutes: with Lettuce's defaults every command waits 60 s and
 * commands queue up while disconnected. Here commands time out after {@code timeout} and are rejected
 * at once while the connection is down; Lettuce reconnects in the background on its own.
 */
public final class BucketStoreConnection implements AutoCloseable {

    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;

    private BucketStoreConnection(RedisClient client, StatefulRedisConnection<byte[], byte[]> connection) {
        this.client = client;
        this.connection = connection;
    }

    /**
     * Connects now. If Redis is not reachable at start-up the edge still starts: the failover limiter
     * counts locally, and this connection keeps trying in the background.
     */
    public static BucketStoreConnection open(RedisURI uri, Duration timeout) {
        uri.setTimeout(timeout);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .build());
        return new BucketStoreConnection(client, client.connect(ByteArrayCodec.INSTANCE));
    }

    public StatefulRedisConnection<byte[], byte[]> connection() {
        return connection;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
