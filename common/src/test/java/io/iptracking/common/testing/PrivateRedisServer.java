package io.iptracking.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} process of one test's own, on a free port on 127.0.0.1, keeping nothing on
 * disk ({@code --save '' --appendonly no}). Fault tests {@link #stop()} and {@link #restart()} it, or
 * {@link #freeze()} and {@link #thaw()} it; {@link #close()} stops it and removes its directory.
 * Servers still running when the JVM exits are killed. The executable is {@code redis-server} from
 * the PATH, or {@code IPT_TEST_REDIS_SERVER}.
 */
public final class PrivateRedisServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> RUNNING.forEach(Process::destroyForcibly), "ipt-test-private-redis-cleanup"));
    }

    private final String executable;
    private final Path directory;
    private final int port;
    private Process process;

    private PrivateRedisServer(String executable, Path directory, int port) {
        this.executable = executable;
        this.directory = directory;
        this.port = port;
    }

    /** Starts a server on a free port and returns once it answers PING. */
    public static PrivateRedisServer start() {
        String executable = TestEnv.get("IPT_TEST_REDIS_SERVER", "redis-server");
        Path directory;
        try {
            directory = Files.createTempDirectory("ipt-private-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The free port is only free until someone else binds it: try another one if that happens.
        ExitedEarly lastFailure = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            PrivateRedisServer server = new PrivateRedisServer(executable, directory, FreePorts.one());
            try {
                server.restart();
                return server;
            } catch (ExitedEarly e) {
                server.stop();
                lastFailure = e;
            } catch (RuntimeException e) {
                server.stop();
                ServerProcesses.deleteRecursively(directory);
                throw e;
            }
        }
        ServerProcesses.deleteRecursively(directory);
        throw lastFailure;
    }

    /** The process ended before answering, most likely because another process took the port. */
    private static final class ExitedEarly extends IllegalStateException {
        ExitedEarly(String message) {
            super(message);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:port}. */
    public String uri() {
        return "redis://" + host() + ":" + port;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Starts the server again on the same port (after {@link #stop()}), and returns once it answers
     * PING; its data is gone, as after a real restart without persistence.
     */
    public synchronized void restart() {
        if (isRunning()) {
            throw new IllegalStateException("redis-server on port " + port + " is already running");
        }
        Path log = directory.resolve("redis.log");
        ProcessBuilder builder = new ProcessBuilder(executable, "--port", Integer.toString(port), "--bind", host(),
                "--save", "", "--appendonly", "no", "--dir", directory.toString(), "--daemonize", "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run '" + executable + "' (" + e.getMessage()
                    + "); install redis-server (Debian: apt-get install redis-server) or set IPT_TEST_REDIS_SERVER", e);
        }
        RUNNING.add(process);
        Process started = process;
        ServerProcesses.awaitAnswer("redis-server on port " + port, started, START_TIMEOUT, log,
                () -> Resp.ping(host(), port, Duration.ofMillis(500)));
        if (!started.isAlive()) {
            RUNNING.remove(started);
            throw new ExitedEarly("redis-server on port " + port + " exited with status "
                    + started.exitValue() + "; its log:\n" + ServerProcesses.tail(log));
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s); the port stops answering. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(process);
        process = null;
    }

    /**
     * Suspends the process (SIGSTOP): the port still accepts connections and commands, but nothing
     * answers until {@link #thaw()}, as with a server stuck in swap or a long fork. Needs {@code kill}.
     */
    public synchronized void freeze() {
        signal("STOP");
    }

    /** Resumes a {@link #freeze() frozen} server (SIGCONT); it answers what it was sent meanwhile. */
    public synchronized void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        if (!isRunning()) {
            throw new IllegalStateException("redis-server on port " + port + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + name, e);
        }
    }

    /** Stops the server and removes its directory. */
    @Override
    public void close() {
        stop();
        ServerProcesses.deleteRecursively(directory);
    }

    @Override
    public String toString() {
        return "PrivateRedisServer[" + uri() + (isRunning() ? ", running" : ", stopped") + "]";
    }
}
