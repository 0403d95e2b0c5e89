package io.iptracking.detection;

import io.iptracking.common.kafka.NativeLz4;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Flags abusive IPs over sliding per-IP windows with Kafka Streams. */
@SpringBootApplication
public class DetectionApplication {

    public static void main(String[] args) {
        NativeLz4.load();
        SpringApplication.run(DetectionApplication.class, args);
    }
}
