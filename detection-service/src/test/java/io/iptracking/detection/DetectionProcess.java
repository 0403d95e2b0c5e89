package io.iptracking.detection;

import io.iptracking.common.testing.FreePorts;
import io.iptracking.common.testing.ManagementEndpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service's jar run in a process of its own, as operators run it, so that a test can kill it
 * without warning: {@link #kill()} is SIGKILL, so nothing is closed, flushed or committed. Its output
 * goes to a log file, which a test prints when it fails.
 */
final class DetectionProcess implements AutoCloseable {

    /** Built by {@code package}, which runs before failsafe's integration tests. */
    static final Path JAR = Path.of("target", "detection-service.jar");

    final int port;
    final Path log;
    private final Process process;

    private DetectionProcess(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
    }

    static DetectionProcess start(String bootstrapServers, String applicationId, Path stateDir, Path log, Map<String, String> extra) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the integration tests through Maven's verify, after package");
        }
        int port = FreePorts.one();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        // Start-up time matters more here than peak speed, and the test's machine has few cores.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        // Its own temporary directory (RocksDB unpacks its library there), outside the state directory.
        command.add("-Djava.io.tmpdir=" + log.resolveSibling("tmp").toAbsolutePath());
        // RocksDB's JNI library; kafka-clients frees buffers through sun.misc.Unsafe (JDK 23+ warns).
        command.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 23) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.add("-jar");
        command.add(JAR.toAbsolutePath().toString());
        command.addAll(RunningDetection.arguments(bootstrapServers, applicationId, stateDir, port, extra));
        try {
            Files.createDirectories(log.resolveSibling("tmp"));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new DetectionProcess(port, log, process);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    /** Readiness is UP: the process serves HTTP and its streams are RUNNING. */
    boolean ready() {
        try {
            HttpResponse<String> r = ManagementEndpoints.get(port, "/actuator/health/readiness");
            return r.statusCode() == 200 && r.body().contains("\"status\":\"UP\"");
        } catch (AssertionError notListeningYet) {
            return false;
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("process " + process.pid() + " still alive 30 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing process " + process.pid(), e);
        }
    }

    /** The last lines of the process's output, for a failure message. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(could not read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
