package io.iptracking.admin.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetriesTest {

    final Retries retries = new Retries(Duration.ofSeconds(4), Duration.ofMinutes(1), Duration.ofHours(1));
    final Instant start = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void waitsDoubleUpToTheLongest() {
        // Each wait is the doubled one, give or take its jitter.
        assertThat(wait(1)).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(5));
        assertThat(wait(2)).isBetween(Duration.ofSeconds(6), Duration.ofSeconds(10));
        assertThat(wait(3)).isBetween(Duration.ofSeconds(12), Duration.ofSeconds(20));
        assertThat(wait(20)).isBetween(Duration.ofSeconds(45), Duration.ofSeconds(75));
    }

    @Test
    void endsWhenTheNextAttemptWouldBeTooLate() {
        assertThat(retries.next(5, start, start.plus(Duration.ofMinutes(50)))).isNotNull();
        assertThat(retries.next(5, start, start.plus(Duration.ofMinutes(59).plusSeconds(30)))).isNull();
    }

    @Test
    void aHugeAttemptCountCostsBoundedWork() {
        assertThat(Duration.between(start, retries.next(Integer.MAX_VALUE, start, start)))
                .isBetween(Duration.ofSeconds(45), Duration.ofSeconds(75));
    }

    private Duration wait(int attempts) {
        return Duration.between(start, retries.next(attempts, start, start));
    }
}
