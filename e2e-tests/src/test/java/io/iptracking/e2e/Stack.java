package io.iptracking.e2e;

import io.iptracking.common.testing.FreePorts;
import io.iptracking.common.testing.PostgresDatabase;
import io.iptracking.common.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * The whole stack as users run it without Docker: {@code deploy/local/stack.sh up} starts a Kafka
 * broker process, the demo upstream and the four service jars. Each stack has its own folder, free
 * ports, a fresh PostgreSQL database, and the runner's own redis-server (which a test may stop), and
 * is reached only from the outside: HTTP, Kafka clients, Redis, SQL.
 *
 * <p>The edge trusts 127.0.0.1 as a proxy, so a test chooses its client IP with
 * {@code X-Forwarded-For}.
 */
final class Stack implements AutoCloseable {

    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(6);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Path repository;
    final Path dir;
    final int redisPort;
    final PostgresDatabase database;
    final int edgePort;
    final int edgeManagementPort;
    final int enrichmentPort;
    final int detectionPort;
    final int adminPort;
    final int adminManagementPort;
    final int kafkaPort;
    /** nginx with forward-auth in front of the demo app, once {@link #edgeInCheckMode()} has run. */
    final int frontPort;
    final String apiKey;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Path scriptLog;

    private Stack(Path repository, Path dir, PostgresDatabase database, Map<String, String> settings) {
        this.repository = repository;
        this.dir = dir;
        this.database = database;
        this.scriptLog = dir.resolve("stack.sh.log");
        List<Integer> ports = FreePorts.distinct(10);
        edgePort = ports.get(0);
        edgeManagementPort = ports.get(1);
        enrichmentPort = ports.get(2);
        detectionPort = ports.get(3);
        adminPort = ports.get(4);
        kafkaPort = ports.get(5);
        apiKey = "ipt_e2e_" + randomToken();

        environment.put("STACK_DIR", dir.toString());
        // Never the developer's .env: the tests set everything they depend on.
        environment.put("STACK_ENV_FILE", dir.resolve("no.env").toString());
        environment.put("STACK_SKIP_SERVICES", "1");
        // C1 only and a small heap: these JVMs live for minutes, so start-up and CPU matter more
        // than peak speed on a 2-core machine.
        environment.put("STACK_JAVA_OPTS", "-Xms64m -Xmx384m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        environment.put("INGEST_PORT", Integer.toString(edgePort));
        environment.put("INGEST_MANAGEMENT_PORT", Integer.toString(edgeManagementPort));
        environment.put("ENRICHMENT_PORT", Integer.toString(enrichmentPort));
        environment.put("DETECTION_PORT", Integer.toString(detectionPort));
        environment.put("ADMIN_PORT", Integer.toString(adminPort));
        adminManagementPort = ports.get(7);
        environment.put("ADMIN_MANAGEMENT_PORT", Integer.toString(adminManagementPort));
        environment.put("KAFKA_PORT", Integer.toString(kafkaPort));
        environment.put("DEMO_PORT", Integer.toString(ports.get(6)));
        redisPort = ports.get(8);
        environment.put("REDIS_PORT", Integer.toString(redisPort));
        frontPort = ports.get(9);
        environment.put("FRONT_PORT", Integer.toString(frontPort));
        environment.put("ADMIN_DB_URL", database.jdbcUrl());
        // stack.sh makes admin's two roles (<database>_owner, <database>_admin) as this superuser.
        environment.put("STACK_DB_SUPERUSER", database.username());
        environment.put("STACK_DB_SUPERUSER_PASSWORD", database.password() == null ? "" : database.password());
        environment.put("ADMIN_DB_PASSWORD", randomToken());
        environment.put("ADMIN_DB_OWNER_PASSWORD", randomToken());
        environment.put("ADMIN_API_KEYS", "e2e:operator:" + sha256Hex(apiKey));
        environment.put("INGEST_TRUSTED_PROXIES", "127.0.0.1/32");
        // Kafka runs with SASL/SCRAM and ACLs, as stack.sh always does; the tests know every password.
        KAFKA_PASSWORDS.forEach((user, variable) -> environment.put(variable, randomToken()));
        environment.put("INGEST_REDIS_PASSWORD", randomToken());
        // Secrets of .env that no service reads (compose's PostgreSQL superuser, MaxMind's account): no JVM may get them.
        environment.put("POSTGRES_PASSWORD", randomToken());
        environment.put("GEOIPUPDATE_LICENSE_KEY", randomToken());
        environment.putAll(settings);
    }

    /** Kafka's principals, by the variable stack.sh reads each one's password from. */
    static final Map<String, String> KAFKA_PASSWORDS = Map.of("admin", "KAFKA_ADMIN_PASSWORD", "ipt-ingest", "INGEST_KAFKA_PASSWORD",
            "ipt-enrichment", "ENRICHMENT_KAFKA_PASSWORD", "ipt-detection", "DETECTION_KAFKA_PASSWORD", "ipt-admin", "ADMIN_KAFKA_PASSWORD",
            "ipt-flags-reader", "FLAGS_READER_KAFKA_PASSWORD");

    /** Starts a stack in a new folder under {@code target/}; {@code settings} add or override variables. */
    static Stack up(Map<String, String> settings) {
        Path repository = Path.of(System.getProperty("ipt.repository", "..")).toAbsolutePath().normalize();
        Path dir = Path.of("target", "e2e-stack-" + System.currentTimeMillis()).toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Stack stack = new Stack(repository, dir, TestPostgres.newDatabase(), settings);
        try {
            stack.script("up");
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    /** A setting this stack was started with. */
    String environment(String name) {
        return environment.get(name);
    }

    String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    /**
     * The settings of a Kafka client authenticated as {@code user} ({@code admin}, the super user the
     * tests read and inspect with, or one of the services' principals); {@code null} for a client with
     * no credentials at all.
     */
    Map<String, Object> kafkaClient(String user) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        if (user != null) {
            config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
            config.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256");
            config.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                    + user + "\" password=\"" + environment.get(KAFKA_PASSWORDS.get(user)) + "\";");
        }
        return config;
    }

    /** SIGKILL, as a crash would: no shutdown hook, no commit, no clean leave of the group. */
    void kill(String service) {
        script("kill", service);
    }

    /** Starts one part (a service, kafka or upstream) and waits until it is ready. */
    void start(String part) {
        script("start", part);
    }

    /** Stops one part gracefully. */
    void stop(String part) {
        script("stop", part);
    }

    /** A request through the edge from {@code clientIp} (via X-Forwarded-For from the trusted 127.0.0.1). */
    HttpResponse<String> edge(String method, String path, String clientIp) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edgePort + path))
                .header("X-Forwarded-For", clientIp)
                .method(method, HttpRequest.BodyPublishers.noBody()));
    }

    /**
     * Restarts the edge in CHECK mode and starts nginx in front of the demo app with the shipped
     * forward-auth configuration, as {@code INGEST_MODE=CHECK stack.sh up} would.
     */
    void edgeInCheckMode() {
        environment.put("INGEST_MODE", "CHECK");
        script("restart", "ingest");
        script("start", "front");
    }

    /** A request through nginx in front ({@link #edgeInCheckMode()}), from {@code clientIp} via X-Forwarded-For. */
    HttpResponse<String> front(String path, String clientIp) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontPort + path))
                .header("X-Forwarded-For", clientIp).GET());
    }

    /** The environment of a service's running JVM, as the kernel shows it. */
    Map<String, String> processEnvironment(String service) {
        try {
            String pid = Files.readString(dir.resolve("pids").resolve(service + ".pid")).strip();
            Map<String, String> variables = new LinkedHashMap<>();
            for (String entry : Files.readString(Path.of("/proc", pid, "environ"), StandardCharsets.UTF_8).split("\0")) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    variables.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
            return variables;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An admin API call with the operator key; {@code json} may be null. */
    HttpResponse<String> admin(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .header("Authorization", "Bearer " + apiKey);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return send(request);
    }

    /** A call to detection's activity API with the operator key. */
    HttpResponse<String> detection(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + detectionPort + path))
                .header("Authorization", "Bearer " + apiKey).GET());
    }

    HttpResponse<String> get(int port, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
    }

    Connection sql() throws SQLException {
        return database.connect();
    }

    /** The role admin runs as, which stack.sh made. */
    String adminDatabaseRole() {
        return database.name() + "_admin";
    }

    /** A connection as the role admin runs as. */
    Connection sqlAsAdmin() throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), adminDatabaseRole(), environment.get("ADMIN_DB_PASSWORD"));
    }

    /** Runs {@code deploy/local/stack.sh} with this stack's settings; fails with the end of its output. */
    void script(String... arguments) {
        List<String> command = new java.util.ArrayList<>();
        command.add(repository.resolve("deploy/local/stack.sh").toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(repository.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(scriptLog.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        try {
            Files.writeString(scriptLog, "==== " + Instant.now() + " stack.sh " + String.join(" ", arguments) + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            Process process = builder.start();
            if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("stack.sh " + String.join(" ", arguments) + " did not finish within " + SCRIPT_TIMEOUT
                        + "\n" + tail(scriptLog));
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("stack.sh " + String.join(" ", arguments) + " exited with " + process.exitValue()
                        + "\n" + tail(scriptLog));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Stops every process of the stack, then the private Redis; keeps the folder (logs) for a post-mortem. */
    @Override
    public void close() {
        try {
            script("down");
        } finally {
            dropAdminRoles();
        }
    }

    /** The roles stack.sh made live in the whole cluster, not in the test's database: they go too. */
    private void dropAdminRoles() {
        String owner = database.name() + "_owner";
        String runtime = adminDatabaseRole();
        try (Connection c = database.connect(); var s = c.createStatement()) {
            if (s.executeQuery("select 1 from pg_roles where rolname = '" + owner + "'").next()) {
                s.execute("reassign owned by " + owner + ", " + runtime + " to current_user");
                s.execute("drop owned by " + owner + ", " + runtime);
                s.execute("drop role " + runtime);
                s.execute("drop role " + owner);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop the roles " + owner + " and " + runtime, e);
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            // Longer than a call that waits for Kafka may take (ADMIN_KAFKA_TIMEOUT, 10 s) before answering 503.
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }


    private static String randomToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String sha256Hex(String text) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
