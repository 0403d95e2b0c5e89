package io.iptracking.detection.window;

/**
 * The kinds of request a window keeps sample paths of, for a flag's evidence. The codes are the
 * state format's (a sample's kinds are a set of bits): never reuse or renumber one.
 */
public enum Kind {
    ANY(0),
    SENSITIVE(1),
    AUTH_FAILURE(2),
    NOT_FOUND(3),
    ERROR(4);

    private final int code;

    Kind(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    /** This kind's bit in a set of kinds. */
    int bit() {
        return 1 << code;
    }
}
