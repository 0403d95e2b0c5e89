package io.iptracking.detection.rules;

import java.time.Duration;

/** Durations as people write them in a sentence: {@code 1 h}, {@code 90 min}, {@code 59 min 59 s}. */
final class Durations {

    private Durations() {
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = ms / 1000;
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        StringBuilder b = new StringBuilder();
        if (h > 0) {
            b.append(h).append(" h");
        }
        if (m > 0) {
            b.append(b.isEmpty() ? "" : " ").append(m).append(" min");
        }
        if (sec > 0 || b.isEmpty()) {
            b.append(b.isEmpty() ? "" : " ").append(sec).append(" s");
        }
        return b.toString();
    }
}
