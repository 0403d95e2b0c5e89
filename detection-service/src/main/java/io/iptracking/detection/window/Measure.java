package io.iptracking.detection.window;

/** A count over the requests of one IP in one window, which a rule compares with its threshold. */
public enum Measure {
    REQUESTS("requests"),
    SENSITIVE_REQUESTS("sensitiveRequests"),
    AUTH_FAILURES("authFailures"),
    NOT_FOUND("notFound"),
    DISTINCT_PATHS("distinctPaths");

    private final String evidenceName;

    Measure(String evidenceName) {
        this.evidenceName = evidenceName;
    }

    /** The name under which the measure appears in a flag's evidence counts and thresholds. */
    public String evidenceName() {
        return evidenceName;
    }
}
