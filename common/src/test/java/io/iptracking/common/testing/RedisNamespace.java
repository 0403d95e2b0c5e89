package io.iptracking.common.testing;

/**
 * A Redis server and a key prefix that belongs to one test alone ({@link TestRedis#newNamespace()}):
 * tests share the server, so every key a test writes starts with {@link #keyPrefix()}.
 */
public record RedisNamespace(String host, int port, String keyPrefix) {

    /** {@code redis://host:port}. */
    public String uri() {
        return "redis://" + host + ":" + port;
    }

    /** The name with this namespace's prefix. */
    public String key(String name) {
        return keyPrefix + name;
    }
}
