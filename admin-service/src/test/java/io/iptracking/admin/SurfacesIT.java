package io.iptracking.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iptracking.common.testing.ManagementEndpoints;
import io.iptracking.common.testing.PostgresDatabase;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.common.testing.TestPostgres;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Who can reach what on the admin service: the API needs a key (a viewer's only reads); the actuator
 * is on a port of its own, on the loopback interface, and shows health details only with a key.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SurfacesIT {

    @RegisterExtension
    static final TestKafka KAFKA = new TestKafka();

    static final PostgresDatabase DB = TestPostgres.newDatabase();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        AdminTestProperties.register(registry, DB, KAFKA);
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Test
    void theApiNeedsAKeyAndAViewerOnlyReads() {
        assertThat(new ApiClient(port, null).get("/api/v1/blocks").status()).isEqualTo(401);
        assertThat(new ApiClient(port, ApiClient.VIEWER_KEY).get("/api/v1/blocks").status()).isEqualTo(200);
        assertThat(new ApiClient(port, ApiClient.VIEWER_KEY).post("/api/v1/blocks", "{\"cidr\":\"192.0.2.1\",\"reason\":\"r\"}").status())
                .isEqualTo(403);
    }

    @Test
    void theActuatorIsNotOnTheApiPort() {
        assertThat(managementPort).isNotEqualTo(port);
        for (String path : new String[] {"/actuator/health", "/actuator/prometheus", "/actuator/info"}) {
            ApiClient.Response r = new ApiClient(port, ApiClient.OPERATOR_KEY).get(path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.contentType()).startsWith("application/problem+json");
        }
    }

    @Test
    void healthDetailsOnlyForACallerWithAKey() {
        ApiClient.Response anonymous = new ApiClient(managementPort, null).get("/actuator/health");
        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.json().get("status").asString()).isEqualTo("UP");
        assertThat(anonymous.json().propertyNames()).doesNotContain("components", "details");
        assertThat(new ApiClient(managementPort, "not-a-key").get("/actuator/health").json().propertyNames())
                .doesNotContain("components", "details");

        ApiClient.Response viewer = new ApiClient(managementPort, ApiClient.VIEWER_KEY).get("/actuator/health");
        assertThat(viewer.json().get("components").propertyNames()).contains("db", "diskSpace");
        // Probes and Prometheus need nothing.
        ManagementEndpoints.assertHealthyWithPrometheus(managementPort);
    }

    @Test
    void theManagementPortAnswersOnlyOnTheLoopbackInterface() throws IOException {
        Optional<InetAddress> external = externalAddress();
        // A machine without a network interface besides loopback has nothing else to bind to.
        external.ifPresent(address -> {
            assertThat(connects(address, port)).as("the API on %s", address).isTrue();
            assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress(address, managementPort), 2_000))
                    .as("the actuator on %s", address).isInstanceOf(IOException.class);
        });
        assertThat(connects(InetAddress.getLoopbackAddress(), managementPort)).isTrue();
    }

    private static boolean connects(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<InetAddress> externalAddress() throws SocketException {
        return NetworkInterface.networkInterfaces().filter(SurfacesIT::up).flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()).findFirst();
    }

    private static boolean up(NetworkInterface i) {
        try {
            return i.isUp() && !i.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}
