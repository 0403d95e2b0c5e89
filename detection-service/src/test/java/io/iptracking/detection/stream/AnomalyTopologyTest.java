package io.iptracking.detection.stream;

import static io.iptracking.detection.stream.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.event.FlagRule;
import io.iptracking.common.event.Severity;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.TestProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ANOMALY through the topology: a small population of ordinary clients (the minimum population is
 * lowered so the test stays small), then clients unlike them.
 */
class AnomalyTopologyTest {

    static final DetectionProperties P = TestProperties.with(Map.of("detection.anomaly.min-population", "10"));
    static final Instant T0 = Instant.parse("2026-05-04T10:00:00Z");
    static final Duration MAINTENANCE = P.window().maintenanceInterval();

    final DetectionDriver driver = new DetectionDriver(P);

    @AfterEach
    void close() {
        driver.close();
    }

    /** Twelve people: bursts of page views with an occasional 404, then maintenance fits the model. */
    void population() {
        for (int user = 0; user < 12; user++) {
            long t = T0.toEpochMilli() + user * 1000L;
            for (int page = 0; page < 12; page++) {
                t += page % 4 == 0 ? 90_000 : 4_000 + 1_000L * ((user * 7 + page * 3) % 11);
                driver.send(request("198.18.0." + (user + 1), Instant.ofEpochMilli(t), "/products/" + (page % 5),
                        page == 7 && user % 3 == 0 ? 404 : 200, null, "browser"));
            }
        }
        driver.send(request("198.18.1.1", T0.plus(MAINTENANCE).plus(MAINTENANCE), "/", 200, null, "browser"));
    }

    @Test
    void aSlowRegularProberOfMissingPathsIsFlaggedAndPeopleAreNot() {
        population();
        Instant t = T0.plus(MAINTENANCE).plus(MAINTENANCE).plusSeconds(1);
        for (int i = 0; i < 12; i++, t = t.plusSeconds(240)) {
            driver.send(request("203.0.113.66", t, "/probe-" + i + ".php", 404, null, "curl/8"));
        }
        assertThat(driver.flags()).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo(FlagRule.ANOMALY);
            assertThat(f.ip()).hasToString("203.0.113.66");
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.score()).isGreaterThanOrEqualTo(P.anomaly().threshold());
            assertThat(f.requestCount()).isEqualTo(P.anomaly().minRequests());
            assertThat(f.evidence().thresholds()).containsEntry("score", P.anomaly().threshold()).containsEntry("population", 12.0);
            assertThat(f.reason()).startsWith("203.0.113.66 behaves unlike recent clients over 10 requests in 1 h")
                    .contains("error ratio 1.00 vs median 0.00");
        });
    }

    @Test
    void anIpAlreadyFlaggedByARuleIsNotFlaggedAsAnAnomalyToo() {
        population();
        Instant t = T0.plus(MAINTENANCE).plus(MAINTENANCE).plusSeconds(1);
        for (int i = 0; i < 12; i++, t = t.plusSeconds(240)) {
            driver.send(request("203.0.113.67", t, i == 0 ? "/admin" : "/probe-" + i + ".php", 404, null, "curl/8"));
        }
        assertThat(driver.flags()).extracting(f -> f.rule()).containsExactly(FlagRule.SENSITIVE_PATH);
    }

    @Test
    void withoutEnoughPopulationNothingIsScored() {
        for (int i = 0; i < 20; i++) {
            driver.send(request("203.0.113.68", T0.plusSeconds(240L * i), "/probe-" + i + ".php", 404, null, "curl/8"));
        }
        assertThat(driver.flags()).isEmpty();
    }
}
