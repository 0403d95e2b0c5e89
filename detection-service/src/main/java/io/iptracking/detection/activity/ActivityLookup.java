package io.iptracking.detection.activity;

/** Where the activity of one IP can be read, as this instance knows it. */
public sealed interface ActivityLookup {

    /** This instance holds the IP's partition and has requests from it in its store. */
    record Found(ActivityView view) implements ActivityLookup {
    }

    /** This instance holds the IP's partition and has nothing about it. */
    record Unknown(String servedBy) implements ActivityLookup {
    }

    /** Another instance holds the IP's partition. */
    record Elsewhere(String host, int port) implements ActivityLookup {
    }

    /** Nobody can answer now: detection is starting or rebalancing. */
    record Unavailable(String why) implements ActivityLookup {
    }
}
