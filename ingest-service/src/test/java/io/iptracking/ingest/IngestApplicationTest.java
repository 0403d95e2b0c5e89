package io.iptracking.ingest;

import io.iptracking.common.testing.ManagementEndpoints;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
class IngestApplicationTest {

    @LocalManagementPort
    int managementPort;

    @Test
    void startsWithHealthAndPrometheusEndpoints() {
        ManagementEndpoints.assertHealthyWithPrometheus(managementPort);
    }
}
