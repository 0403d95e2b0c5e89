package io.iptracking.common.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** What the tests' private servers share: waiting for one to answer, reading its log, removing its directory. */
final class ServerProcesses {

    private ServerProcesses() {
    }

    /**
     * Waits until {@code answers} or the process ends, whichever comes first.
     *
     * @throws IllegalStateException with the log's last lines when neither happened within {@code timeout}
     */
    static void awaitAnswer(String server, Process process, Duration timeout, Path log, Callable<Boolean> answers) {
        try {
            Awaitility.await(server + " answers")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !process.isAlive() || answers.call());
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(server + " did not answer within " + timeout + "; its log:\n" + tail(log), e);
        }
    }

    /** The last 20 lines of a server's log, for a failure message. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // a leftover in a temporary directory is harmless
        }
    }
}
