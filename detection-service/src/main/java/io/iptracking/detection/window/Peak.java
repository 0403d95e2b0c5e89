package io.iptracking.detection.window;

/** The highest value a measure reaches in any window that contains a given request, and where. */
public record Peak(long value, Span span) {
}
