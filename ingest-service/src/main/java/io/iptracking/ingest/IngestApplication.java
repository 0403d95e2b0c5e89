package io.iptracking.ingest;

import io.iptracking.common.kafka.NativeLz4;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The edge: resolves the client IP, blocks, rate-limits, proxies, publishes request events. */
@SpringBootApplication
public class IngestApplication {

    public static void main(String[] args) {
        NativeLz4.load();
        SpringApplication.run(IngestApplication.class, args);
    }
}
