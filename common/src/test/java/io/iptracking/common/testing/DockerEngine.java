package io.iptracking.common.testing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Whether a Docker engine answers, decided once per JVM: the first check costs about half a second.
 * When it does, {@link TestPostgres} and {@link TestRedis} use Testcontainers; otherwise the local
 * servers named by the {@code IPT_TEST_*} environment variables.
 */
public final class DockerEngine {

    private static final Logger LOG = LoggerFactory.getLogger(DockerEngine.class);

    private DockerEngine() {
    }

    /** True when Testcontainers can reach a Docker engine. */
    public static boolean isAvailable() {
        return Holder.AVAILABLE;
    }

    private static final class Holder {
        static final boolean AVAILABLE = detect();

        private static boolean detect() {
            long start = System.nanoTime();
            boolean available;
            // Without an engine Testcontainers logs a long ERROR; here that is an expected answer,
            // and the line below says what happens instead.
            Runnable restoreLogging = Quiet.silence("org.testcontainers.dockerclient");
            try {
                available = DockerClientFactory.instance().isDockerAvailable();
            } finally {
                restoreLogging.run();
            }
            LOG.info("Docker engine {} (checked in {} ms): test PostgreSQL and Redis come from {}",
                    available ? "found" : "not found", (System.nanoTime() - start) / 1_000_000,
                    available ? "Testcontainers" : "the local servers (IPT_TEST_POSTGRES_*, IPT_TEST_REDIS_*)");
            return available;
        }
    }

    /** Turns a Logback logger off for a moment; does nothing under another logging backend. */
    private static final class Quiet {
        static Runnable silence(String loggerName) {
            try {
                if (LoggerFactory.getLogger(loggerName) instanceof ch.qos.logback.classic.Logger logger) {
                    ch.qos.logback.classic.Level previous = logger.getLevel();
                    logger.setLevel(ch.qos.logback.classic.Level.OFF);
                    return () -> logger.setLevel(previous);
                }
            } catch (LinkageError noLogback) {
                // another backend: its output stays as it is
            }
            return () -> { };
        }
    }
}
