package io.iptracking.detection.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.iptracking.common.event.EnrichedRequestEvent;
import io.iptracking.common.event.FlaggedIp;
import io.iptracking.common.testing.traffic.LabelledTraffic;
import io.iptracking.common.testing.traffic.TrafficGenerator;
import io.iptracking.detection.DetectionProperties;
import io.iptracking.detection.TestProperties;
import io.iptracking.detection.stream.DetectionDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The evaluation's replay is only worth its figures if it decides as the topology does: the same
 * generated traffic through both gives the same flags.
 */
class ReplayMatchesTopologyTest {

    @Test
    void replayAndTopologyFlagTheSameIpsForTheSameReasons() {
        LabelledTraffic traffic = TrafficGenerator.withSeed(3).start(Instant.parse("2026-05-04T18:00:00Z")).duration(Duration.ofHours(2))
                .users(60).apiClients(1).attackersOfEachKind(1).generate();
        // The first 700 events: a TopologyTestDriver commits after every record, which is slow.
        List<EnrichedRequestEvent> events = traffic.events().subList(0, 700);
        DetectionProperties p = TestProperties.defaults();
        List<String> replayed = Replay.flags(p, events).stream().map(ReplayMatchesTopologyTest::describe).sorted().toList();
        List<String> streamed;
        try (DetectionDriver driver = new DetectionDriver(p, false)) {
            for (EnrichedRequestEvent e : events) {
                driver.send(e);
            }
            streamed = driver.flags().stream().map(ReplayMatchesTopologyTest::describe).sorted().toList();
        }
        assertThat(streamed).isNotEmpty().isEqualTo(replayed);
    }

    private static String describe(FlaggedIp f) {
        return f.ip() + " " + f.rule() + " " + f.windowStart() + ".." + f.windowEnd() + " " + f.requestCount() + " " + f.reason();
    }
}
