package io.iptracking.detection.window;

import java.util.EnumMap;
import java.util.Map;

/**
 * Sliding windows over one IP's requests. A window of size {@code W} holds the requests whose event
 * times lie within {@code W} of each other, both ends included (as Kafka Streams' {@code SlidingWindows}
 * define it): 101 requests between 10:00:00.000 and 11:00:00.000 share a 1-hour window, while a
 * request at 11:00:00.001 no longer shares one with the request at 10:00:00.000. No clock-hour
 * boundary exists, so a burst that straddles one is counted whole.
 */
public final class SlidingWindow {

    private final long size;

    /** @param sizeMs the window length in milliseconds, at least 1 */
    public SlidingWindow(long sizeMs) {
        if (sizeMs < 1) {
            throw new IllegalArgumentException("window size must be at least 1 ms, was " + sizeMs);
        }
        this.size = sizeMs;
    }

    public long sizeMs() {
        return size;
    }

    /**
     * For each measure, the highest value it reaches over all windows that contain request
     * {@code k}. Only those windows can have changed since the previous request: the others were
     * evaluated when their own requests arrived. A late request may complete a window in the past;
     * an in-order one always lies in the window that ends with it.
     *
     * <p>Every window worth looking at can be slid right until it starts at one of its requests, so
     * the candidates start at each request between {@code t - W} and {@code t}: one pass with two
     * pointers, linear in the requests kept.
     */
    public Map<Measure, Peak> peaksAround(IpActivity a, int k, Counting counting) {
        long t = a.hit(k).at();
        int n = a.size();
        int lo = k;
        while (lo > 0 && a.hit(lo - 1).at() >= t - size) {
            lo--;
        }
        int hi = k;
        while (hi + 1 < n && a.hit(hi + 1).at() == t) {
            hi++;
        }
        Counter c = new Counter(a, counting);
        EnumMap<Measure, Peak> peaks = new EnumMap<>(Measure.class);
        int j = lo - 1;
        for (int i = lo; i <= hi; i++) {
            long end = a.hit(i).at() + size;
            while (j + 1 < n && a.hit(j + 1).at() <= end) {
                c.add(++j);
            }
            for (Measure m : Measure.values()) {
                long v = c.value(m);
                Peak best = peaks.get(m);
                if (best == null || v > best.value()) {
                    peaks.put(m, new Peak(v, new Span(i, j)));
                }
            }
            if (j == n - 1) {
                // Nothing left to add: later windows only lose requests, so none can beat this one.
                // For an in-order request this ends the scan after the first window.
                break;
            }
            c.remove(i);
        }
        return peaks;
    }

    /** The requests in the window that ends at {@code end}: from {@code end - W} to {@code end}, inclusive. */
    public Span endingAt(IpActivity a, long end) {
        int to = a.size() - 1;
        while (to >= 0 && a.hit(to).at() > end) {
            to--;
        }
        int from = to + 1;
        while (from > 0 && a.hit(from - 1).at() >= end - size) {
            from--;
        }
        return new Span(from, to);
    }

    /** Running counts of the measures over a contiguous run of requests. */
    private static final class Counter {
        private final IpActivity a;
        private final Counting counting;
        private final int[] perPath;
        private long requests;
        private long sensitive;
        private long authFailures;
        private long notFound;
        private long distinctPaths;

        Counter(IpActivity a, Counting counting) {
            this.a = a;
            this.counting = counting;
            this.perPath = new int[a.pathCount()];
        }

        void add(int i) {
            update(a.hit(i), 1);
        }

        void remove(int i) {
            update(a.hit(i), -1);
        }

        private void update(Hit h, int d) {
            requests += d;
            if (counting.isSensitive(h)) {
                sensitive += d;
            }
            if (counting.isAuthFailure(h)) {
                authFailures += d;
            }
            if (counting.isNotFound(h)) {
                notFound += d;
            }
            int before = perPath[h.path()];
            perPath[h.path()] = before + d;
            if (before == 0 && d > 0) {
                distinctPaths++;
            } else if (before == 1 && d < 0) {
                distinctPaths--;
            }
        }

        long value(Measure m) {
            return switch (m) {
                case REQUESTS -> requests;
                case SENSITIVE_REQUESTS -> sensitive;
                case AUTH_FAILURES -> authFailures;
                case NOT_FOUND -> notFound;
                case DISTINCT_PATHS -> distinctPaths;
            };
        }
    }
}
