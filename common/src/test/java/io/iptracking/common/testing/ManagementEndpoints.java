package io.iptracking.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/** Checks, over real HTTP, the management endpoints every service must expose. */
public final class ManagementEndpoints {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ManagementEndpoints() {
    }

    /** Liveness, readiness and overall health are UP, and Prometheus metrics are served. */
    public static void assertHealthyWithPrometheus(int managementPort) {
        for (String path : new String[] {"/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"}) {
            HttpResponse<String> health = get(managementPort, path);
            assertThat(health.statusCode()).as(path).isEqualTo(200);
            assertThat(health.body()).as(path).contains("\"status\":\"UP\"");
        }
        HttpResponse<String> metrics = get(managementPort, "/actuator/prometheus");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
    }

    /**
     * The sum of a Prometheus metric's series that carry every one of the labels given as
     * {@code name="value"} (all its series when none are given); fails when there is no such series.
     */
    public static double metric(int managementPort, String name, String... labels) {
        double sum = 0;
        boolean found = false;
        for (String line : get(managementPort, "/actuator/prometheus").body().split("\n")) {
            String labelSet;
            if (line.startsWith(name + "{")) {
                labelSet = "," + line.substring(name.length() + 1, line.lastIndexOf('}')) + ",";
            } else if (line.startsWith(name + " ")) {
                labelSet = ",";
            } else {
                continue;
            }
            if (Arrays.stream(labels).allMatch(label -> labelSet.contains("," + label + ","))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        if (!found) {
            String with = labels.length == 0 ? "" : " with " + String.join(", ", labels);
            throw new AssertionError("no series " + name + with + " on port " + managementPort);
        }
        return sum;
    }

    public static HttpResponse<String> get(int port, String path) {
        return get(port, path, new String[0]);
    }

    /** @param headers names and values, alternating */
    public static HttpResponse<String> get(int port, String path, String... headers) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).GET();
            if (headers.length > 0) {
                request.headers(headers);
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " on port " + port + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
