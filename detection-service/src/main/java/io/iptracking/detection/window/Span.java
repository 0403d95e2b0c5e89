package io.iptracking.detection.window;

/**
 * The requests of an {@link IpActivity} from index {@code from} to index {@code to}, both inclusive;
 * empty when {@code to < from}.
 */
public record Span(int from, int to) {

    public boolean isEmpty() {
        return to < from;
    }

    public int size() {
        return Math.max(0, to - from + 1);
    }
}
