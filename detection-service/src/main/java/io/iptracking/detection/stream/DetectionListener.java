package io.iptracking.detection.stream;

import io.iptracking.common.event.FlagRule;

/**
 * What the topology reports as it goes, for metrics. Called on stream threads: implementations must
 * be thread-safe and fast. The topology takes it as an argument so that it stays a pure function of
 * its inputs; tests pass {@link #NONE} or a recorder.
 */
public interface DetectionListener {

    DetectionListener NONE = new DetectionListener() {
    };

    /** A flag was forwarded to the output topic (it becomes visible when the transaction commits). */
    default void flagged(FlagRule rule) {
    }

    /** A request arrived later than the grace period allows and was not counted. */
    default void droppedLate() {
    }

    /** A request dated before its client's erasure arrived after it and was not counted. */
    default void droppedErased() {
    }

    /** An erasure deleted a client's window ({@code held}: there was one to delete). */
    default void erased(boolean held) {
    }

    /** The anomaly model of one task was refitted on {@code population} IP windows. */
    default void modelFitted(int population) {
    }
}
