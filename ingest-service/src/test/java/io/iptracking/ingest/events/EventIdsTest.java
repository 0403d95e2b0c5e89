package io.iptracking.ingest.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    private static final Instant AT = Instant.parse("2026-11-24T10:00:00.123Z");

    @Test
    void isAVersion7UuidCarryingTheEventsMillisecond() {
        UUID id = EventIds.at(AT);

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(AT.toEpochMilli());
    }

    @Test
    void idsOfOneMillisecondDiffer() {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(EventIds.at(AT));
        }

        assertThat(ids).hasSize(100_000);
    }

    @Test
    void idsSortByTime() {
        UUID earlier = EventIds.at(AT);
        UUID later = EventIds.at(AT.plusMillis(1));

        assertThat(Long.compareUnsigned(earlier.getMostSignificantBits(), later.getMostSignificantBits())).isNegative();
    }
}
