package io.iptracking.detection.window;

import io.iptracking.common.text.SafeText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The latest distinct paths of a client, each with the {@link Kind kinds} of request it was seen in and
 * cut to {@link #MAX_CHARS}: the sample paths a flag's evidence quotes, in bounded space. One list for
 * every kind: a path is kept once however many kinds it belongs to, and the request that makes a rule
 * fire is always among them, being the latest.
 */
final class SamplePaths {

    /** Distinct paths kept. */
    static final int KEPT = 8;

    /** The longest path kept; longer ones are cut (never inside a surrogate pair) and end with '…'. */
    static final int MAX_CHARS = 100;

    /**
     * A sample path, with the kinds of request it was seen in (a bit per {@link Kind#code()}) and when
     * last; its UTF-8 kept for the serde.
     */
    static final class Sample {
        private final String path;
        private final long at;
        private final int kinds;
        private final byte[] utf8;

        Sample(String path, long at, int kinds) {
            this.path = path;
            this.at = at;
            this.kinds = kinds;
            this.utf8 = path.getBytes(StandardCharsets.UTF_8);
        }

        String path() {
            return path;
        }

        long at() {
            return at;
        }

        int kinds() {
            return kinds;
        }

        /** The path in UTF-8: a window is written on every request, its samples rarely change. */
        byte[] utf8() {
            return utf8;
        }
    }

    /** Most recent first. */
    private final List<Sample> samples = new ArrayList<>(KEPT + 1);

    void add(String path, int kinds, long at) {
        String kept = cut(path);
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            if (s.path().equals(kept)) {
                samples.remove(i);
                kinds |= s.kinds();
                at = Math.max(at, s.at());
                break;
            }
        }
        int position = 0;
        while (position < samples.size() && samples.get(position).at() > at) {
            position++;
        }
        if (position < KEPT) {
            samples.add(position, new Sample(kept, at, kinds));
        }
        if (samples.size() > KEPT) {
            samples.removeLast();
        }
    }

    /** Up to {@code max} paths of {@code kind} used at or after {@code from}, most recent first. */
    List<String> since(Kind kind, long from, int max) {
        List<String> paths = new ArrayList<>();
        for (Sample s : samples) {
            if (s.at() >= from && (s.kinds() & kind.bit()) != 0 && paths.size() < max) {
                paths.add(s.path());
            }
        }
        return paths;
    }

    void forgetBefore(long from) {
        samples.removeIf(s -> s.at() < from);
    }

    List<Sample> all() {
        return samples;
    }

    /** Appends a sample read back from the state format, which holds them most recent first. */
    void restore(Sample sample) {
        if (samples.size() < KEPT) {
            samples.add(sample);
        }
    }

    static String cut(String path) {
        return path.length() <= MAX_CHARS ? path : SafeText.cap(path, MAX_CHARS) + '\u2026';
    }
}
