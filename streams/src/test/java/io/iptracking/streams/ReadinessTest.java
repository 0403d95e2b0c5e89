package io.iptracking.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/** Readiness: ready while processing, not while a store is rebuilt from its changelog. */
class ReadinessTest {

    @Test
    void aRebalanceIsReadyUnlessAStoreIsBeingRestored() {
        assertThat(StreamsSetup.readiness(State.RUNNING, 0).build().getStatus()).isEqualTo(Status.UP);
        assertThat(StreamsSetup.readiness(State.REBALANCING, 0).build().getStatus()).isEqualTo(Status.UP);
        assertThat(StreamsSetup.readiness(State.REBALANCING, 2).build().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(StreamsSetup.readiness(State.CREATED, 0).build().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(StreamsSetup.readiness(State.ERROR, 0).build().getStatus()).isEqualTo(Status.DOWN);
        assertThat(StreamsSetup.readiness(State.NOT_RUNNING, 0).build().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void restorationsAreCountedFromStartToEndOrSuspension() {
        StreamsSetup.Restorations r = new StreamsSetup.Restorations();
        TopicPartition p = new TopicPartition("ipt-detection-activity-changelog", 0);
        r.onRestoreStart(p, "activity", 0, 100);
        r.onRestoreStart(new TopicPartition("ipt-detection-activity-changelog", 1), "activity", 0, 100);
        assertThat(r.restoring()).isEqualTo(2);
        r.onRestoreEnd(p, "activity", 100);
        r.onRestoreSuspended(p, "activity", 50);
        assertThat(r.restoring()).isZero();
    }
}
