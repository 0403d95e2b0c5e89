package io.iptracking.common.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Redis for integration tests. Tests share one server and keep apart by key prefix
 * ({@link #newNamespace()}); a test that must stop or break Redis starts a private server of its own
 * ({@link #startPrivateServer()}) and never touches the shared one.
 *
 * <p>The shared server is chosen once per JVM: a Testcontainers {@value #IMAGE} container when a
 * Docker engine is available ({@link DockerEngine}), otherwise the local server named by
 * {@code IPT_TEST_REDIS_HOST} (127.0.0.1) and {@code IPT_TEST_REDIS_PORT} (6379). On the local server,
 * the keys written under this JVM's prefixes are deleted when it exits.
 */
public final class TestRedis {

    /** The image used when a Docker engine is available. */
    public static final String IMAGE = "redis:7";

    /** Every key the fixtures hand out starts with this. */
    public static final String KEY_PREFIX = "ipt-test:";

    private static final Logger LOG = LoggerFactory.getLogger(TestRedis.class);
    private static final int REDIS_PORT = 6379;
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);
    private static final String JVM_PREFIX = KEY_PREFIX + HexFormat.of().formatHex(randomBytes(4)) + ":";
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final Memo<Endpoint> SHARED = new Memo<>(TestRedis::selectShared);

    private TestRedis() {
    }

    /** The shared test Redis, with a key prefix no other test (in this or another JVM) uses. */
    public static RedisNamespace newNamespace() {
        Endpoint shared = SHARED.get();
        return new RedisNamespace(shared.host, shared.port, JVM_PREFIX + NAMESPACES.incrementAndGet() + ":");
    }

    /**
     * Starts a private {@code redis-server} process on a free port, for tests that stop, restart or
     * break Redis. Close it when done (try-with-resources or {@code @AfterAll}).
     */
    public static PrivateRedisServer startPrivateServer() {
        return PrivateRedisServer.start();
    }

    private static Endpoint selectShared() {
        if (DockerEngine.isAvailable()) {
            GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(IMAGE))
                    .withExposedPorts(REDIS_PORT)
                    .withCommand("redis-server", "--save", "", "--appendonly", "no");
            container.start(); // stopped by Testcontainers' reaper when the JVM exits
            Endpoint endpoint = new Endpoint(container.getHost(), container.getMappedPort(REDIS_PORT));
            LOG.info("Test Redis: Testcontainers {} at {}:{}", IMAGE, endpoint.host, endpoint.port);
            return endpoint;
        }
        Endpoint endpoint = Endpoint.fromEnvironment();
        endpoint.checkReachable();
        Runtime.getRuntime().addShutdownHook(new Thread(endpoint::deleteKeysOfThisJvm, "ipt-test-redis-cleanup"));
        LOG.info("Test Redis: local server at {}:{}, keys under {}", endpoint.host, endpoint.port, JVM_PREFIX);
        return endpoint;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** Where the shared server answers. */
    static final class Endpoint {
        // Deletes the matching keys in batches; SCAN keeps a large shared keyspace from blocking Redis.
        private static final String DELETE_BY_PATTERN = """
                local cursor, deleted = '0', 0
                repeat
                  local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
                  cursor = page[1]
                  for _, key in ipairs(page[2]) do deleted = deleted + redis.call('UNLINK', key) end
                until cursor == '0'
                return deleted""";

        final String host;
        final int port;
        private final AtomicBoolean cleaned = new AtomicBoolean();

        Endpoint(String host, int port) {
            this.host = host;
            this.port = port;
        }

        static Endpoint fromEnvironment() {
            return new Endpoint(TestEnv.get("IPT_TEST_REDIS_HOST", "127.0.0.1"), TestEnv.port("IPT_TEST_REDIS_PORT", 6379));
        }

        void checkReachable() {
            String reply;
            try {
                reply = Resp.call(host, port, CHECK_TIMEOUT, "PING");
            } catch (IOException e) {
                reply = e.toString();
            }
            if (!"PONG".equals(reply)) {
                throw new IllegalStateException("Redis not reachable at " + host + ":" + port + " (PING: " + reply
                        + "); start it (deploy/local/services.sh) or set IPT_TEST_REDIS_HOST, IPT_TEST_REDIS_PORT");
            }
        }

        long deleteKeys(String prefix) throws IOException {
            return Long.parseLong(Resp.call(host, port, Duration.ofSeconds(10), "EVAL", DELETE_BY_PATTERN, "0", prefix + "*"));
        }

        private void deleteKeysOfThisJvm() {
            if (NAMESPACES.get() == 0 || !cleaned.compareAndSet(false, true)) {
                return;
            }
            try {
                deleteKeys(JVM_PREFIX);
            } catch (IOException | RuntimeException e) {
                // Best effort at JVM exit: leftovers are easy to find under KEY_PREFIX.
            }
        }
    }
}
