package io.iptracking.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A required database that is missing stops start-up with a message that says what to do. */
class MissingDatabaseTest {

    @Test
    void startUpFailsNamingTheFileAndTheWaysOut(@TempDir Path dir) {
        Path missing = dir.resolve("GeoLite2-City.mmdb");
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(EnrichmentApplication.class)
                .run("--spring.main.web-application-type=none", "--enrichment.geoip.city-database=" + missing,
                        "--spring.kafka.bootstrap-servers=127.0.0.1:1",
                        // The failure is the point: Boot need not report it again in the build output.
                        "--logging.level.org.springframework=OFF")
                .close());
        assertThat(failure).rootCause().hasMessage("GeoIP city database not found at " + missing.toAbsolutePath());
        assertThat(failure).hasStackTraceContaining("GeoIP city database not found at " + missing.toAbsolutePath()
                + ". Point ENRICHMENT_GEOIP_CITY_DATABASE (and ENRICHMENT_GEOIP_ASN_DATABASE) at MaxMind databases"
                + " (deploy/geoip/fetch-geolite2.sh fetches GeoLite2 City and Country; geoipupdate fetches current"
                + " ones with a licence key), or set ENRICHMENT_GEOIP_REQUIRED=false to run with empty geo fields"
                + " until they appear");
    }
}
