package io.iptracking.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.testing.FreePorts;
import io.iptracking.common.testing.ManagementEndpoints;
import io.iptracking.common.testing.RedisNamespace;
import io.iptracking.common.testing.TestRedis;
import io.iptracking.ingest.traffic.StubUpstream;
import io.iptracking.ingest.traffic.TrafficServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An edge that has not read the lists says so: not ready (a load balancer sends it no traffic, since it
 * would let blocked IPs in), but alive and still answering. Here Kafka is a port nobody listens on, so
 * the lists can never be read; every other IT waits for readiness once they are.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
// Closed after the class: its feed and producer would otherwise keep calling the missing broker.
@DirtiesContext
class NotReadyIT {

    static final int NO_KAFKA = FreePorts.one();
    static final RedisNamespace REDIS = TestRedis.newNamespace();
    static final StubUpstream UPSTREAM = StubUpstream.start();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        EdgeTestSettings.register(registry, () -> "127.0.0.1:" + NO_KAFKA, REDIS::uri, UPSTREAM);
        registry.add("ingest.rate-limit.key-prefix", REDIS::keyPrefix);
    }

    @AfterAll
    static void cleanUp() {
        UPSTREAM.close();
    }

    @Autowired
    TrafficServer traffic;

    @LocalServerPort
    int managementPort;

    @Test
    void untilTheListsAreReadTheEdgeIsNotReadyButAliveAndServing() {
        HttpResponse<String> readiness = ManagementEndpoints.get(managementPort, "/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat(readiness.body()).contains("\"status\":\"OUT_OF_SERVICE\"");
        HttpResponse<String> health = ManagementEndpoints.get(managementPort, "/actuator/health");
        assertThat(health.body()).contains("\"caughtUp\":false");
        assertThat(ManagementEndpoints.get(managementPort, "/actuator/health/liveness").statusCode()).isEqualTo(200);

        assertThat(new EdgeClient("127.0.0.1", traffic.port()).status("/products/1", "198.51.100.20")).isEqualTo(200);
    }
}
