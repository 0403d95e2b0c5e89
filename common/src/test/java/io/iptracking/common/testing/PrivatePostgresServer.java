package io.iptracking.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of one test's own: a cluster made by {@code initdb} in a temporary directory,
 * listening on a free port on 127.0.0.1 with trust authentication and without fsync. Fault tests
 * {@link #stop()} and {@link #start()} it; {@link #close()} stops it and removes its directory. Servers
 * still running when the JVM exits are stopped.
 *
 * <p>The programs are those of the newest {@code /usr/lib/postgresql/<version>/bin} (Debian's
 * packages), or of {@code IPT_TEST_POSTGRES_BIN}. PostgreSQL refuses to run as root: when the tests
 * do, the server runs as the {@code postgres} user ({@code runuser -u postgres}).
 */
public final class PrivatePostgresServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Set<PrivatePostgresServer> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> RUNNING.forEach(s -> s.pgCtl("stop", "-m", "immediate")), "ipt-test-private-postgres-cleanup"));
    }

    private final Path bin;
    private final Path directory;
    private final Path data;
    private final int port;
    private final boolean asPostgresUser;
    private Process process;

    private PrivatePostgresServer(Path bin, Path directory, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.directory = directory;
        this.data = directory.resolve("data");
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** Makes a cluster, starts it on a free port, and returns once it accepts connections. */
    public static PrivatePostgresServer start(String name) {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path directory;
        try {
            directory = Files.createTempDirectory("ipt-private-postgres-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PrivatePostgresServer server = new PrivatePostgresServer(bin, directory, FreePorts.one(), root);
        try {
            if (root) {
                run(List.of("chown", "postgres", directory.toString()));
            }
            run(server.asServerUser(bin.resolve("initdb").toString(), "-D", server.data.toString(), "-U", "postgres",
                    "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"));
            server.start();
            server.createDatabase(name);
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The database {@code name} on this server, as user postgres without a password. */
    public PostgresDatabase database(String name) {
        return new PostgresDatabase("127.0.0.1", port, name, "postgres", "");
    }

    public int port() {
        return port;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the server (again, after {@link #stop()}) and returns once it accepts connections. */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("PostgreSQL on port " + port + " is already running");
        }
        Path log = directory.resolve("postgres.log");
        ProcessBuilder builder = new ProcessBuilder(asServerUser(bin.resolve("postgres").toString(), "-D", data.toString(),
                "-p", Integer.toString(port), "-k", directory.toString(), "-c", "listen_addresses=127.0.0.1",
                "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RUNNING.add(this);
        Process started = process;
        ServerProcesses.awaitAnswer("PostgreSQL on port " + port, started, START_TIMEOUT, log, this::accepts);
        if (!started.isAlive()) {
            throw new IllegalStateException("PostgreSQL on port " + port + " exited with status " + started.exitValue()
                    + "; its log:\n" + ServerProcesses.tail(log));
        }
    }

    /**
     * Stops the server as an operator would for maintenance ({@code pg_ctl stop -m fast}): open
     * transactions are rolled back, sessions are ended, and the port stops answering.
     */
    public synchronized void stop() {
        if (!isRunning()) {
            return;
        }
        pgCtl("stop", "-m", "fast", "-w");
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(this);
        process = null;
    }

    @Override
    public void close() {
        stop();
        ServerProcesses.deleteRecursively(directory);
    }

    @Override
    public String toString() {
        return "PrivatePostgresServer[127.0.0.1:" + port + (isRunning() ? ", running" : ", stopped") + "]";
    }

    private void createDatabase(String name) {
        try (Connection c = DriverManager.getConnection(database("postgres").jdbcUrl(), "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("create database \"" + name.replace("\"", "") + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on port " + port, e);
        }
    }

    private boolean accepts() {
        try (Connection c = DriverManager.getConnection(database("postgres").jdbcUrl(), "postgres", "")) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    private void pgCtl(String... args) {
        List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString()));
        command.addAll(List.of(args));
        try {
            run(asServerUser(command.toArray(String[]::new)));
        } catch (RuntimeException e) {
            // stopping a server that already stopped
        }
    }

    private List<String> asServerUser(String... command) {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        }
    }

    private static Path binaries() {
        String configured = TestEnv.get("IPT_TEST_POSTGRES_BIN", "");
        if (!configured.isEmpty()) {
            return Path.of(configured);
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent())))
                    .orElseThrow(() -> new IllegalStateException("no /usr/lib/postgresql/<version>/bin/initdb"));
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL's programs not found: install Debian's postgresql package "
                    + "or set IPT_TEST_POSTGRES_BIN to the directory of initdb, postgres and pg_ctl", e);
        }
    }

    private static int versionOf(Path versionDirectory) {
        try {
            return Integer.parseInt(versionDirectory.getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

}
