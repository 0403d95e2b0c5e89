package io.iptracking.detection.window;

import java.util.Arrays;

/**
 * What one client did in one time bucket: the counts the rules and the anomaly features add up over
 * a window. Mutable; owned by its {@link ClientWindow}.
 */
final class Bucket {

    /**
     * Distinct statuses counted per bucket; further ones count in every measure but not in the status
     * breakdown, except that a 4xx or 5xx replaces a 1xx-3xx status that came first (so a client cannot
     * hide its failures from a flag's evidence behind a few successful statuses).
     */
    static final int MAX_STATUSES = 4;

    /** {@code floor(eventTime / bucketWidth)}. */
    final long index;
    int requests;
    int sensitive;
    int authFailures;
    int notFound;
    int errors;
    int withStatus;
    int agentChanges;
    /** Event time of the first and last request in the bucket. */
    long firstAt = Long.MAX_VALUE;
    long lastAt = Long.MIN_VALUE;
    /** Gaps to the client's previous request, for requests that arrived in order. */
    int gaps;
    long gapSum;
    double gapSquares;
    short[] statuses = new short[0];
    int[] statusCounts = new int[0];
    /**
     * The bucket's counts as {@link ClientWindowSerde} writes them, kept until they change: a window is
     * written on every request of its client, and of its buckets only the newest usually changed.
     * Null when not written yet or changed since; whoever changes a count clears it.
     */
    byte[] encoding;

    Bucket(long index) {
        this.index = index;
    }

    void countStatus(int status) {
        for (int i = 0; i < statuses.length; i++) {
            if (statuses[i] == status) {
                statusCounts[i]++;
                return;
            }
        }
        if (statuses.length < MAX_STATUSES) {
            statuses = Arrays.copyOf(statuses, statuses.length + 1);
            statusCounts = Arrays.copyOf(statusCounts, statusCounts.length + 1);
            statuses[statuses.length - 1] = (short) status;
            statusCounts[statusCounts.length - 1] = 1;
        } else if (status >= 400) {
            for (int i = 0; i < statuses.length; i++) {
                if (statuses[i] < 400) {
                    statuses[i] = (short) status;
                    statusCounts[i] = 1;
                    return;
                }
            }
        }
    }
}
