package io.iptracking.ingest.lists;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ListFeedTest {

    @Test
    void failuresInARowWaitLongerEachTimeUpToHalfAMinute() {
        assertThat(IntStream.rangeClosed(1, 8).mapToObj(ListFeed::retryPause).map(Duration::toSeconds).toList())
                .containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
        assertThat(ListFeed.retryPause(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
    }
}
