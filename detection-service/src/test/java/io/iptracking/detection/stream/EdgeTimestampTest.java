package io.iptracking.detection.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.ip.ClientIp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Event time comes from the edge's timestamp, unless it lies further ahead of the clock than skew explains. */
class EdgeTimestampTest {

    static final Instant NOW = Instant.parse("2026-05-04T12:00:00Z");
    static final EdgeTimestamp EXTRACTOR = new EdgeTimestamp(Clock.fixed(NOW, ZoneOffset.UTC));

    static long extract(Instant at) {
        EnrichedRequestEvent e = Requests.get("203.0.113.7", at, "/", 200);
        return EXTRACTOR.extract(new ConsumerRecord<>("t", 0, 0, ClientIp.parse("203.0.113.7"), e), 0);
    }

    @Test
    void theEdgesTimeUpToTheAllowedSkewAheadOfTheClock() {
        assertThat(extract(NOW.minusSeconds(3600))).isEqualTo(NOW.minusSeconds(3600).toEpochMilli());
        Instant edge = NOW.plus(EdgeTimestamp.MAX_AHEAD);
        assertThat(extract(edge)).isEqualTo(edge.toEpochMilli());
    }

    @Test
    void furtherAheadTheRecordIsSkipped() {
        assertThat(extract(NOW.plus(EdgeTimestamp.MAX_AHEAD).plusMillis(1))).isNegative();
        assertThat(extract(Instant.parse("9999-12-31T23:59:59Z"))).isNegative();
    }
}
