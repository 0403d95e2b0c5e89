package io.iptracking.detection.window;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A few recent distinct paths of each {@link Kind} of request, most recent first, each cut to
 * {@link #MAX_CHARS}: the sample paths a flag's evidence quotes, in bounded space.
 */
final class SamplePaths {

    /** Paths kept per kind. */
    static final int PER_KIND = 5;

    /** The longest path kept; longer ones are cut (never inside a surrogate pair) and end with '…'. */
    static final int MAX_CHARS = 100;

    record Sample(String path, long at) {
    }

    private final Map<Kind, List<Sample>> byKind = new EnumMap<>(Kind.class);

    void add(Kind kind, String path, long at) {
        List<Sample> samples = byKind.computeIfAbsent(kind, k -> new ArrayList<>(PER_KIND + 1));
        String kept = cut(path);
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i).path().equals(kept)) {
                if (samples.get(i).at() > at) {
                    return;
                }
                samples.remove(i);
                break;
            }
        }
        int position = 0;
        while (position < samples.size() && samples.get(position).at() > at) {
            position++;
        }
        samples.add(position, new Sample(kept, at));
        if (samples.size() > PER_KIND) {
            samples.removeLast();
        }
    }

    /** Up to {@code max} paths of {@code kind} used at or after {@code from}, most recent first. */
    List<String> since(Kind kind, long from, int max) {
        List<String> paths = new ArrayList<>();
        for (Sample s : byKind.getOrDefault(kind, List.of())) {
            if (s.at() >= from && paths.size() < max) {
                paths.add(s.path());
            }
        }
        return paths;
    }

    void forgetBefore(long from) {
        byKind.values().forEach(samples -> samples.removeIf(s -> s.at() < from));
        byKind.values().removeIf(List::isEmpty);
    }

    Map<Kind, List<Sample>> all() {
        return byKind;
    }

    void put(Kind kind, List<Sample> samples) {
        byKind.put(kind, new ArrayList<>(samples));
    }

    static String cut(String path) {
        if (path.length() <= MAX_CHARS) {
            return path;
        }
        int end = Character.isHighSurrogate(path.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
        return path.substring(0, end) + '\u2026';
    }
}
