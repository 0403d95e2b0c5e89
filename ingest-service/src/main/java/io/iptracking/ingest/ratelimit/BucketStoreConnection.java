package io.iptracking.ingest.ratelimit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lettuce connection to the Redis that holds the shared buckets, configured so that a Redis
 * outage costs milliseconds, not minutes: with Lettuce's defaults every command waits 60 s and
 * commands queue up while disconnected. Here commands time out after {@code timeout} and are rejected
 * at once while the connection is down, and reconnects are at most a second apart.
 *
 * <p>If Redis is not reachable at start-up the edge still starts: {@link #connection()} is null
 * (the failover limiter counts locally) and a background thread keeps trying to connect.
 */
public final class BucketStoreConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BucketStoreConnection.class);
    private static final Duration FIRST_CONNECT_RETRY = Duration.ofSeconds(1);

    private final RedisClient client;
    private final ClientResources resources;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile boolean closed;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("bucket-store-connect").daemon().factory());

    private BucketStoreConnection(RedisClient client, ClientResources resources) {
        this.client = client;
        this.resources = resources;
    }

    public static BucketStoreConnection open(RedisURI uri, Duration timeout) {
        uri.setTimeout(timeout);
        // Lettuce backs off up to 30 s between reconnects by default; cap it so limits are shared
        // again within about a second of Redis returning.
        ClientResources resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .build());
        BucketStoreConnection store = new BucketStoreConnection(client, resources);
        if (!store.tryConnect()) {
            log.warn("Redis at {}:{} is not reachable; rate limits are counted per instance until it is",
                    uri.getHost(), uri.getPort());
            store.retries.scheduleWithFixedDelay(store::retryConnect, FIRST_CONNECT_RETRY.toMillis(),
                    FIRST_CONNECT_RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
        return store;
    }

    private boolean tryConnect() {
        try {
            connection = client.connect(ByteArrayCodec.INSTANCE);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void retryConnect() {
        if (!closed && connection == null && tryConnect()) {
            log.info("Connected to Redis: rate limits are shared again");
            retries.shutdown();
        }
    }

    /** The connection, or null while Redis has never been reached. */
    public StatefulRedisConnection<byte[], byte[]> connection() {
        return connection;
    }

    @Override
    public void close() {
        closed = true;
        retries.shutdownNow();
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
