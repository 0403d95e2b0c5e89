package io.iptracking.detection;

import io.iptracking.common.testing.ManagementEndpoints;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class DetectionApplicationTest {

    @LocalServerPort
    int managementPort;

    @Test
    void startsWithHealthAndPrometheusEndpoints() {
        ManagementEndpoints.assertHealthyWithPrometheus(managementPort);
    }
}
