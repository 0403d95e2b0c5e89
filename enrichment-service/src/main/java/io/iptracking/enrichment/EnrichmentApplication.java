package io.iptracking.enrichment;

import io.iptracking.common.kafka.NativeLz4;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Adds country, city and ASN to request events from MaxMind GeoIP2 databases. */
@SpringBootApplication
public class EnrichmentApplication {

    public static void main(String[] args) {
        NativeLz4.load();
        SpringApplication.run(EnrichmentApplication.class, args);
    }
}
