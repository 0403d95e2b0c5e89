package io.iptracking.common.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Fresh PostgreSQL databases for integration tests: every {@link #newDatabase()} call creates an
 * empty database {@code ipt_test_<random>}, so tests never see each other's tables.
 *
 * <p>The server is chosen once per JVM: a Testcontainers {@value #IMAGE} container when a Docker
 * engine is available ({@link DockerEngine}), otherwise the local server named by
 * {@code IPT_TEST_POSTGRES_HOST} (127.0.0.1), {@code IPT_TEST_POSTGRES_PORT} (5432),
 * {@code IPT_TEST_POSTGRES_USER} (postgres) and {@code IPT_TEST_POSTGRES_PASSWORD} (empty).
 * The user must be allowed to create databases. On the local server, the databases this JVM made
 * are dropped when it exits; a killed JVM leaves them behind (they all start with {@code ipt_test_}).
 */
public final class TestPostgres {

    /** The image used when a Docker engine is available. */
    public static final String IMAGE = "postgres:17-alpine";

    static final String DATABASE_PREFIX = "ipt_test_";

    private static final Logger LOG = LoggerFactory.getLogger(TestPostgres.class);
    private static final Memo<Server> SERVER = new Memo<>(TestPostgres::selectServer);

    private TestPostgres() {
    }

    /** Creates an empty database on the test server and returns how to reach it. */
    public static PostgresDatabase newDatabase() {
        return SERVER.get().createDatabase();
    }

    private static Server selectServer() {
        if (DockerEngine.isAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer(DockerImageName.parse(IMAGE));
            container.start(); // stopped by Testcontainers' reaper when the JVM exits
            Server server = new Server(container.getHost(), container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT),
                    container.getUsername(), container.getPassword(), false);
            LOG.info("Test PostgreSQL: Testcontainers {} at {}:{}", IMAGE, server.host, server.port);
            return server;
        }
        Server server = Server.fromEnvironment();
        server.checkReachable();
        LOG.info("Test PostgreSQL: local server at {}:{} as {}", server.host, server.port, server.user);
        return server;
    }

    /** A PostgreSQL server the fixture creates databases on. */
    static final class Server {
        final String host;
        final int port;
        final String user;
        final String password;
        private final boolean dropAtExit;
        private final List<String> created = new CopyOnWriteArrayList<>();

        Server(String host, int port, String user, String password, boolean dropAtExit) {
            this.host = host;
            this.port = port;
            this.user = user;
            this.password = password;
            this.dropAtExit = dropAtExit;
            if (dropAtExit) {
                Runtime.getRuntime().addShutdownHook(new Thread(this::dropCreated, "ipt-test-postgres-cleanup"));
            }
        }

        static Server fromEnvironment() {
            return new Server(TestEnv.get("IPT_TEST_POSTGRES_HOST", "127.0.0.1"),
                    TestEnv.port("IPT_TEST_POSTGRES_PORT", 5432),
                    TestEnv.get("IPT_TEST_POSTGRES_USER", "postgres"),
                    TestEnv.get("IPT_TEST_POSTGRES_PASSWORD", ""), true);
        }

        void checkReachable() {
            try (Connection ignored = connectAdmin()) {
                // connected and authenticated
            } catch (SQLException e) {
                throw new IllegalStateException("PostgreSQL not reachable at " + host + ":" + port + " as user '" + user
                        + "' (" + e.getMessage() + "); start it (deploy/local/services.sh) or set IPT_TEST_POSTGRES_HOST,"
                        + " IPT_TEST_POSTGRES_PORT, IPT_TEST_POSTGRES_USER, IPT_TEST_POSTGRES_PASSWORD", e);
            }
        }

        PostgresDatabase createDatabase() {
            String name = DATABASE_PREFIX + HexFormat.of().formatHex(randomBytes(6));
            try (Connection admin = connectAdmin(); Statement statement = admin.createStatement()) {
                statement.execute("CREATE DATABASE \"" + name + "\"");
            } catch (SQLException e) {
                throw new IllegalStateException("Could not create test database " + name + " on " + host + ":" + port
                        + " as user '" + user + "' (it needs the CREATEDB privilege): " + e.getMessage(), e);
            }
            created.add(name);
            return new PostgresDatabase(host, port, name, user, password);
        }

        private Connection connectAdmin() throws SQLException {
            Properties properties = new Properties();
            properties.setProperty("user", user);
            properties.setProperty("password", password);
            // Fail in seconds, not minutes, when nothing answers.
            properties.setProperty("connectTimeout", "5");
            properties.setProperty("loginTimeout", "5");
            properties.setProperty("socketTimeout", "60");
            return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", properties);
        }

        private void dropCreated() {
            if (created.isEmpty()) {
                return;
            }
            // Best effort at JVM exit: what is left behind shares the prefix, so it is easy to find.
            try (Connection admin = connectAdmin(); Statement statement = admin.createStatement()) {
                for (String name : created) {
                    if (!name.matches(DATABASE_PREFIX + "[0-9a-f]{12}")) {
                        continue; // never drop anything this fixture did not name itself
                    }
                    try {
                        // FORCE (PostgreSQL 13+) ends connections that pools still hold at exit.
                        statement.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
                    } catch (SQLException e) {
                        // leave this one behind
                    }
                }
            } catch (SQLException e) {
                // server gone: nothing to drop
            }
        }

        private static byte[] randomBytes(int n) {
            byte[] bytes = new byte[n];
            ThreadLocalRandom.current().nextBytes(bytes);
            return bytes;
        }
    }
}
