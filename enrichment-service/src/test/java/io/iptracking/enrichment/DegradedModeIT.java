package io.iptracking.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.iptracking.common.event.Geo;
import io.iptracking.common.event.RequestEvent;
import io.iptracking.common.testing.ManagementEndpoints;
import io.iptracking.common.testing.TestKafka;
import io.iptracking.enrichment.geo.MaxMindGeoLookup;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Configured to run without its database: ready, says it is degraded, enriches with empty fields, and
 * loads the file when it appears.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@DirtiesContext
class DegradedModeIT {

    @RegisterExtension
    static final TestKafka KAFKA = TestKafka.exactlyOnce();

    static final Path GEOIP = EnrichmentIT.tempDir("degraded-it-geoip");
    static final Path CITY = GEOIP.resolve("not-yet/GeoLite2-City.mmdb");
    static final EnrichmentTraffic TRAFFIC = new EnrichmentTraffic(KAFKA);
    static StreamsBuilderFactoryBean running;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        registry.add("enrichment.kafka.state-dir", () -> GEOIP.resolve("streams").toString());
        registry.add("enrichment.geoip.city-database", CITY::toString);
        registry.add("enrichment.geoip.required", () -> "false");
        registry.add("enrichment.geoip.reload-interval", () -> "100ms");
    }

    @AfterAll
    static void stopStream() {
        TRAFFIC.close();
        if (running != null) {
            running.stop();
        }
    }

    @Autowired
    MaxMindGeoLookup geo;

    @Autowired
    StreamsBuilderFactoryBean stream;

    @LocalServerPort
    int port;

    @Test
    void readyAndDegradedWithEmptyGeoUntilTheDatabaseAppears() {
        running = stream;
        await().atMost(EnrichmentTraffic.TIMEOUT).untilAsserted(() -> ManagementEndpoints.assertHealthyWithPrometheus(port));
        assertThat(ManagementEndpoints.get(port, "/actuator/health/readiness").body())
                .contains("\"degraded\":true")
                .contains("\"lastError\":\"GeoIP city database not found at " + CITY.toAbsolutePath() + "\"");
        assertThat(ManagementEndpoints.get(port, "/actuator/prometheus").body())
                .contains("ipt_enrichment_geo_degraded{application=\"enrichment-service\"} 1.0");

        RequestEvent before = TRAFFIC.send(GeoFixtures.LONDON_IP);
        RequestEvent privateBefore = TRAFFIC.send("10.1.2.3");
        TRAFFIC.flush();
        assertThat(TRAFFIC.enriched(before).geo()).isEqualTo(Geo.UNKNOWN);
        assertThat(TRAFFIC.enriched(privateBefore).geo()).isEqualTo(Geo.PRIVATE);

        GeoFixtures.writeCity(CITY);
        await().atMost(Duration.ofSeconds(10)).until(() -> !geo.isDegraded());
        RequestEvent after = TRAFFIC.send(GeoFixtures.LONDON_IP);
        TRAFFIC.flush();
        assertThat(TRAFFIC.enriched(after).geo()).isEqualTo(GeoFixtures.withoutAsn(GeoFixtures.LONDON));
        assertThat(ManagementEndpoints.get(port, "/actuator/health/readiness").body()).contains("\"degraded\":false");
    }
}
