package io.iptracking.detection.stream;

import io.iptracking.detection.anomaly.PopulationSample;
import java.util.function.BiConsumer;

/**
 * The anomaly model's population sample: a bounded number of slots, each holding the latest window
 * features of one of the clients that hash to it. A Kafka Streams store, or a map in a replay.
 */
public interface PopulationStore {

    void put(int slot, PopulationSample sample);

    void delete(int slot);

    void forEach(BiConsumer<Integer, PopulationSample> visitor);
}
