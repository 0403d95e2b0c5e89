package io.iptracking.ingest.ratelimit;

/** Where the integration tests find Redis until the shared fixture lands: IPT_TEST_REDIS_HOST/PORT. */
final class TestRedisEndpoint {

    private TestRedisEndpoint() {
    }

    static String uri() {
        String host = System.getenv().getOrDefault("IPT_TEST_REDIS_HOST", "127.0.0.1");
        String port = System.getenv().getOrDefault("IPT_TEST_REDIS_PORT", "6379");
        return "redis://" + host + ":" + port;
    }
}
